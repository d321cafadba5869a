import { createHmac } from "node:crypto";

// Shopify webhook payloads for tests, shaped after the examples in Shopify's webhook reference
// (shopify.dev/docs/api/webhooks, REST payloads for orders/create, fulfillments/create,
// inventory_levels/update and products/create): the same fields, nesting and kinds of values,
// including the fields we ignore and ids above 2^53 (820982911946154508), with our SKUs and
// quantities filled in. Differences from the documented examples are on purpose and noted.

/** Marks an id that must be written as a bare 64-bit JSON number (beyond what JS numbers hold). */
export const big = (digits: string) => `#big:${digits}`;

/** The JSON Shopify would send: `big(…)` ids become bare numbers, exactly as written. */
export function shopifyBody(payload: unknown): string {
  return JSON.stringify(payload).replace(/"#big:(\d+)"/g, "$1");
}

export function shopifySignature(secret: string, body: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

export function shopifyHeaders(params: {
  topic: string;
  webhookId: string;
  secret: string;
  body: string;
  shopDomain?: string;
}): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-shopify-topic": params.topic,
    "x-shopify-hmac-sha256": shopifySignature(params.secret, params.body),
    "x-shopify-shop-domain": params.shopDomain ?? "northwind-test.myshopify.com",
    "x-shopify-api-version": "2025-07",
    "x-shopify-webhook-id": params.webhookId,
    "x-shopify-triggered-at": new Date().toISOString(),
    "x-shopify-event-id": `evt-${params.webhookId}`,
  };
}

const moneyIn = (amount: string, currency: string) => ({
  shop_money: { amount, currency_code: currency },
  presentment_money: { amount, currency_code: currency },
});

const address = (first: string, last: string, street: string, city: string, zip: string) => ({
  first_name: first,
  address1: street,
  phone: "555-555-SHIP",
  city,
  zip,
  province: "Kentucky",
  country: "United States",
  last_name: last,
  address2: null,
  company: null,
  latitude: null,
  longitude: null,
  name: `${first} ${last}`,
  country_code: "US",
  province_code: "KY",
});

export type ExampleLine = {
  sku: string | null;
  quantity: number;
  price?: string;
  title?: string;
  id?: string;
  requiresShipping?: boolean;
};

/**
 * orders/create (also orders/updated and orders/cancelled, which carry the same order). The
 * documented example is order #9999 for jon@example.com with two line items of the same SKU.
 */
export function orderPayload(params: {
  id?: string;
  name: string;
  email: string;
  customer?: { first: string; last: string };
  lines: ExampleLine[];
  createdAt?: string;
  cancelled?: { at: string; reason: string };
  currency?: string;
}) {
  const id = params.id ?? "820982911946154508";
  const currency = params.currency ?? "USD";
  const moneySet = (amount: string) => moneyIn(amount, currency);
  const customer = params.customer ?? { first: "John", last: "Smith" };
  const total = params.lines.reduce((sum, l) => sum + Number(l.price ?? "199.00") * l.quantity, 0).toFixed(2);
  return {
    id: big(id),
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    app_id: null,
    browser_ip: null,
    buyer_accepts_marketing: true,
    cancel_reason: params.cancelled?.reason ?? null,
    cancelled_at: params.cancelled?.at ?? null,
    cart_token: null,
    checkout_id: null,
    checkout_token: null,
    client_details: null,
    closed_at: null,
    confirmation_number: null,
    confirmed: true,
    contact_email: params.email,
    created_at: params.createdAt ?? "2026-11-20T19:00:00-05:00",
    currency,
    current_subtotal_price: total,
    current_subtotal_price_set: moneySet(total),
    current_total_price: total,
    customer_locale: "en",
    discount_codes: [],
    email: params.email,
    estimated_taxes: false,
    financial_status: params.cancelled ? "voided" : "paid",
    fulfillment_status: null,
    landing_site: null,
    location_id: null,
    name: params.name,
    note: null,
    note_attributes: [],
    number: 234,
    order_number: Number(params.name.replace(/\D/g, "")) || 1234,
    original_total_duties_set: null,
    payment_gateway_names: ["visa", "bogus"],
    phone: null,
    presentment_currency: currency,
    processed_at: params.createdAt ?? "2026-11-20T19:00:00-05:00",
    source_name: "web",
    subtotal_price: total,
    tags: "tag1, tag2",
    taxes_included: false,
    test: true,
    total_discounts: "0.00",
    total_price: total,
    total_tax: "0.00",
    total_weight: 0,
    updated_at: params.createdAt ?? "2026-11-20T19:00:00-05:00",
    user_id: null,
    billing_address: address("Steve", "Shipper", "123 Billing Street", "Billtown", "K2P0B0"),
    customer: {
      id: big("115310627314723954"),
      email: params.email,
      created_at: null,
      updated_at: null,
      first_name: customer.first,
      last_name: customer.last,
      state: "disabled",
      note: null,
      verified_email: true,
      multipass_identifier: null,
      tax_exempt: false,
      phone: null,
      email_marketing_consent: { state: "not_subscribed", opt_in_level: null, consent_updated_at: null },
      tags: "",
      currency,
      admin_graphql_api_id: "gid://shopify/Customer/115310627314723954",
      default_address: {
        id: big("715243470612851245"),
        customer_id: big("115310627314723954"),
        first_name: null,
        last_name: null,
        company: null,
        address1: "123 Elm St.",
        city: "Ottawa",
        zip: "K2H7A8",
        default: true,
      },
    },
    discount_applications: [],
    fulfillments: [],
    line_items: params.lines.map((line, i) => ({
      id: big(line.id ?? `86655031176643902${i}`),
      admin_graphql_api_id: `gid://shopify/LineItem/86655031176643902${i}`,
      attributed_staffs: [{ id: "gid://shopify/StaffMember/902541635", quantity: 1 }],
      current_quantity: line.quantity,
      fulfillable_quantity: line.quantity,
      fulfillment_service: "manual",
      fulfillment_status: null,
      gift_card: false,
      grams: 567,
      name: line.title ?? "IPod Nano - 8GB",
      price: line.price ?? "199.00",
      price_set: moneySet(line.price ?? "199.00"),
      product_exists: true,
      product_id: 632910392,
      properties: [],
      quantity: line.quantity,
      requires_shipping: line.requiresShipping ?? true,
      sku: line.sku,
      taxable: true,
      title: line.title ?? "IPod Nano - 8GB",
      total_discount: "0.00",
      total_discount_set: moneySet("0.00"),
      variant_id: 808950810,
      variant_inventory_management: "shopify",
      variant_title: null,
      vendor: null,
      tax_lines: [],
      duties: [],
      discount_allocations: [],
    })),
    payment_terms: null,
    refunds: [],
    shipping_address: address(customer.first, customer.last, "123 Shipping Street", "Shippington", "40003"),
    shipping_lines: [
      {
        id: big("271878346596884015"),
        carrier_identifier: null,
        code: null,
        discounted_price: "10.00",
        discounted_price_set: moneySet("10.00"),
        phone: null,
        price: "10.00",
        price_set: moneySet("10.00"),
        requested_fulfillment_service_id: null,
        source: "shopify",
        title: "Generic Shipping",
        tax_lines: [],
        discount_allocations: [],
      },
    ],
  };
}

/** fulfillments/create and fulfillments/update. The documented example ships one item by UPS. */
export function fulfillmentPayload(params: {
  id?: string;
  orderId?: string;
  name: string;
  status?: string;
  lines: { sku: string | null; quantity: number }[];
  trackingCompany?: string | null;
  trackingNumbers?: string[];
  trackingUrls?: string[];
}) {
  const numbers = params.trackingNumbers ?? ["1z827wk74630"];
  const moneySet = (amount: string) => moneyIn(amount, "USD");
  const urls =
    params.trackingUrls ?? numbers.map((n) => `https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=${n}`);
  return {
    id: big(params.id ?? "1234567890123456"),
    order_id: big(params.orderId ?? "820982911946154508"),
    status: params.status ?? "success",
    created_at: "2026-11-24T19:00:00-05:00",
    service: "manual",
    updated_at: "2026-11-24T19:00:00-05:00",
    tracking_company: params.trackingCompany === undefined ? "UPS" : params.trackingCompany,
    shipment_status: null,
    location_id: 24826418,
    origin_address: null,
    email: "jon@example.com",
    destination: address("Steve", "Shipper", "123 Shipping Street", "Shippington", "40003"),
    line_items: params.lines.map((line, i) => ({
      id: big(`48741269716497592${i}`),
      variant_id: 808950810,
      title: "IPod Nano - 8GB",
      quantity: line.quantity,
      sku: line.sku,
      variant_title: null,
      vendor: null,
      fulfillment_service: "manual",
      product_id: 632910392,
      requires_shipping: true,
      taxable: true,
      gift_card: false,
      name: "IPod Nano - 8GB",
      variant_inventory_management: "shopify",
      properties: [],
      product_exists: true,
      fulfillable_quantity: 0,
      grams: 567,
      price: "199.00",
      total_discount: "0.00",
      fulfillment_status: "fulfilled",
      price_set: moneySet("199.00"),
      total_discount_set: moneySet("0.00"),
      discount_allocations: [],
      duties: [],
      admin_graphql_api_id: `gid://shopify/LineItem/48741269716497592${i}`,
      tax_lines: [],
    })),
    tracking_number: numbers[0] ?? null,
    tracking_numbers: numbers,
    tracking_url: urls[0] ?? null,
    tracking_urls: urls,
    receipt: {},
    name: params.name,
    admin_graphql_api_id: `gid://shopify/Fulfillment/${params.id ?? "1234567890123456"}`,
  };
}

/** inventory_levels/update, as documented (available at one location). */
export function inventoryLevelPayload(params: {
  inventoryItemId: string;
  locationId?: string;
  available: number | null;
  updatedAt?: string;
}) {
  const location = params.locationId ?? "24826418";
  return {
    inventory_item_id: big(params.inventoryItemId),
    location_id: big(location),
    available: params.available,
    updated_at: params.updatedAt ?? new Date().toISOString(),
    admin_graphql_api_id: `gid://shopify/InventoryLevel/${location}?inventory_item_id=${params.inventoryItemId}`,
  };
}

/**
 * products/create and products/update. The documented example ("Example T-Shirt", variants
 * example-shirt-s and example-shirt-m) has `inventory_item_id: null`; real webhooks carry the
 * item's id, which is what maps stock to a SKU, so these examples fill it in.
 */
export function productPayload(params: {
  id?: string;
  title: string;
  handle: string;
  variants: {
    id: string;
    sku: string | null;
    title: string;
    price: string;
    inventoryItemId: string | null;
    inventoryPolicy?: "deny" | "continue";
  }[];
}) {
  const id = params.id ?? "788032119674292922";
  return {
    admin_graphql_api_id: `gid://shopify/Product/${id}`,
    body_html: "An example T-Shirt",
    created_at: null,
    handle: params.handle,
    id: big(id),
    product_type: "Shirts",
    published_at: "2026-11-01T19:00:00-05:00",
    template_suffix: null,
    title: params.title,
    updated_at: new Date().toISOString(),
    vendor: "Acme",
    status: "active",
    published_scope: "web",
    tags: "example, mens, t-shirt",
    variants: params.variants.map((v, i) => ({
      admin_graphql_api_id: `gid://shopify/ProductVariant/${v.id}`,
      barcode: null,
      compare_at_price: "24.99",
      created_at: "2026-10-29T19:00:00-05:00",
      id: big(v.id),
      inventory_policy: v.inventoryPolicy ?? "continue",
      position: i + 1,
      price: v.price,
      product_id: big(id),
      sku: v.sku,
      taxable: true,
      title: v.title,
      updated_at: "2026-10-30T19:00:00-05:00",
      option1: v.title,
      option2: null,
      option3: null,
      image_id: null,
      inventory_item_id: v.inventoryItemId === null ? null : big(v.inventoryItemId),
      inventory_quantity: 0,
      old_inventory_quantity: 0,
    })),
    options: [
      {
        id: big("527050010214937811"),
        product_id: big(id),
        name: "Title",
        position: 1,
        values: params.variants.map((v) => v.title),
      },
    ],
    images: [],
    image: null,
    media: [],
    variant_gids: params.variants.map((v) => ({
      admin_graphql_api_id: `gid://shopify/ProductVariant/${v.id}`,
      updated_at: "2026-10-30T19:00:00-05:00",
    })),
  };
}
