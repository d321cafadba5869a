import { z } from "zod";

// The parts of Shopify's REST webhook payloads we use, per topic. Only the fields read here are
// declared: anything else Shopify sends (and it sends a lot) is ignored, so new fields in a later
// API version change nothing. A payload without a field we need is rejected with the field named.

/** A Shopify id: a number, or (above 2^53, see json.ts) the same digits as a string. */
export const shopifyId = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/, "must be a numeric id")])
  .transform((id) => String(id));

/** Shopify sends money as decimal strings ("199.00"). */
// An amount as Shopify sends it (a string, or now and then a number), kept as its decimal text. Up
// to a million in the currency's units, so its minor units fit the database's integer columns: a
// larger one is a refused payload, not a failed insert retried for days.
const decimalText = /^-?\d+(\.\d+)?$/;
const money = z
  .union([z.string().regex(decimalText, "must be a decimal amount"), z.number()])
  .transform(String)
  .refine(
    (amount) => decimalText.test(amount) && Math.abs(Number(amount)) <= 1_000_000,
    "must be a decimal amount of at most 1000000",
  );

const text = z.string().trim();

const address = z
  .object({
    name: text.nullish(),
    first_name: text.nullish(),
    last_name: text.nullish(),
    address1: text.nullish(),
    address2: text.nullish(),
    city: text.nullish(),
    province: text.nullish(),
    province_code: text.nullish(),
    zip: text.nullish(),
    country_code: text.nullish(),
  })
  .nullish();

export const shopifyLineItemSchema = z.object({
  id: shopifyId,
  sku: text.nullish(),
  title: text.nullish(),
  variant_title: text.nullish(),
  quantity: z.number().int().nonnegative(),
  price: money.optional(),
  requires_shipping: z.boolean().nullish(),
  gift_card: z.boolean().nullish(),
  discount_allocations: z.array(z.object({ amount: money })).nullish(),
});

export const shopifyOrderSchema = z
  .object({
    id: shopifyId,
    /** What the shopper sees as the order number, e.g. "#1001". */
    name: text.min(1, "must not be empty").max(64),
    email: text.nullish(),
    contact_email: text.nullish(),
    created_at: z.string().nullish(),
    currency: z.string().regex(/^[A-Z]{3}$/, "must be a three-letter currency code"),
    cancelled_at: z.string().nullish(),
    cancel_reason: text.nullish(),
    customer: z.object({ email: text.nullish(), first_name: text.nullish(), last_name: text.nullish() }).nullish(),
    shipping_address: address,
    billing_address: address,
    line_items: z.array(shopifyLineItemSchema).max(1000),
  })
  .superRefine((order, ctx) => {
    const email = shopperEmail(order);
    if (!email || !z.email().safeParse(email).success) {
      ctx.addIssue({
        code: "custom",
        path: ["email"],
        message: "is missing: the portal finds orders by the shopper's email",
      });
    }
  });

export type ShopifyOrder = z.output<typeof shopifyOrderSchema>;

export const shopifyFulfillmentSchema = z.object({
  id: shopifyId,
  order_id: shopifyId,
  /** pending, open, success, cancelled, error, failure: only `success` means the parcel left. */
  status: text.min(1),
  name: text.nullish(),
  created_at: z.string().nullish(),
  tracking_company: text.nullish(),
  tracking_number: text.nullish(),
  tracking_numbers: z.array(text).nullish(),
  tracking_url: text.nullish(),
  tracking_urls: z.array(text).nullish(),
  /** The carrier's word on the parcel (fulfillments/update): `delivered` means it was handed over. */
  shipment_status: text.nullish(),
  updated_at: z.string().nullish(),
  line_items: z
    .array(z.object({ id: shopifyId, sku: text.nullish(), quantity: z.number().int().nonnegative() }))
    .max(1000),
});

export type ShopifyFulfillment = z.output<typeof shopifyFulfillmentSchema>;

export const shopifyInventoryLevelSchema = z.object({
  inventory_item_id: shopifyId,
  location_id: shopifyId,
  /** Null when the item's inventory is not tracked. */
  available: z.number().int().nullable(),
  updated_at: z.string().nullish(),
});

export type ShopifyInventoryLevel = z.output<typeof shopifyInventoryLevelSchema>;

export const shopifyProductSchema = z.object({
  id: shopifyId,
  title: text.min(1, "must not be empty").max(300),
  handle: text.min(1, "must not be empty").max(255),
  variants: z
    .array(
      z.object({
        id: shopifyId,
        sku: text.nullish(),
        title: text.nullish(),
        price: money,
        inventory_item_id: shopifyId.nullish(),
        /** `deny` stops selling at zero; `continue` takes backorders. */
        inventory_policy: text.nullish(),
        /** The variant's own picture, one of the product's `images`. */
        image_id: shopifyId.nullish(),
      }),
    )
    .max(2000),
  /** The product's main picture, and all of them (a variant may name its own). */
  image: z.object({ src: text.nullish(), alt: text.nullish() }).nullish(),
  images: z
    .array(z.object({ id: shopifyId, src: text.nullish() }))
    .max(250)
    .nullish(),
});

export type ShopifyProduct = z.output<typeof shopifyProductSchema>;

// The mandatory compliance topics (GDPR and the like) and app/uninstalled, as Shopify documents them.
const complianceCustomer = z.object({
  id: shopifyId.nullish(),
  email: z.email("must be an email address").toLowerCase().nullish(),
  phone: text.nullish(),
});

export const shopifyDataRequestSchema = z.object({
  shop_domain: text.min(1),
  customer: complianceCustomer,
  orders_requested: z.array(shopifyId).max(10_000).default([]),
  data_request: z.object({ id: shopifyId }).nullish(),
});
export type ShopifyDataRequest = z.output<typeof shopifyDataRequestSchema>;

export const shopifyCustomerRedactSchema = z.object({
  shop_domain: text.min(1),
  customer: complianceCustomer,
  orders_to_redact: z.array(shopifyId).max(10_000).default([]),
});
export type ShopifyCustomerRedact = z.output<typeof shopifyCustomerRedactSchema>;

export const shopifyShopRedactSchema = z.object({ shop_domain: text.min(1) });

export const shopifyAppUninstalledSchema = z.object({ myshopify_domain: text.nullish(), domain: text.nullish() });

export const shopifyTopics = {
  "orders/create": shopifyOrderSchema,
  "orders/updated": shopifyOrderSchema,
  "orders/cancelled": shopifyOrderSchema,
  "fulfillments/create": shopifyFulfillmentSchema,
  "fulfillments/update": shopifyFulfillmentSchema,
  "inventory_levels/update": shopifyInventoryLevelSchema,
  "products/create": shopifyProductSchema,
  "products/update": shopifyProductSchema,
  "app/uninstalled": shopifyAppUninstalledSchema,
  "customers/data_request": shopifyDataRequestSchema,
  "customers/redact": shopifyCustomerRedactSchema,
  "shop/redact": shopifyShopRedactSchema,
} as const;

export type ShopifyTopic = keyof typeof shopifyTopics;

export function isShopifyTopic(topic: string): topic is ShopifyTopic {
  return Object.hasOwn(shopifyTopics, topic);
}

/** `line_items[2].quantity must be …`: the first problem, named by its path, for the log. */
export function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.reduce<string>(
    (out, part) => (typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)),
    "",
  );
  return `${path || "(body)"} ${issue.message}`.slice(0, 500);
}

export function shopperEmail(order: {
  email?: string | null;
  contact_email?: string | null;
  customer?: { email?: string | null } | null;
}): string | null {
  return order.email || order.contact_email || order.customer?.email || null;
}

const digitsCache = new Map<string, number>();

/** Minor units per major unit for a currency: 2 for USD, 0 for JPY, 3 for KWD. */
export function currencyDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, digits);
  }
  return digits;
}

/** "199.00" USD → 19900, exactly (no floating point on the way). */
export function toMinor(amount: string, currency: string): number {
  const digits = currencyDigits(currency);
  const negative = amount.trim().startsWith("-");
  const [whole = "0", fraction = ""] = amount.trim().replace(/^[-+]/, "").split(".");
  const padded = (fraction + "0".repeat(digits)).slice(0, digits);
  // Digits beyond the currency's precision are rounded half up.
  const roundUp = fraction.length > digits && Number(fraction[digits]) >= 5 ? 1 : 0;
  const minor = Number(whole) * 10 ** digits + Number(padded || "0") + roundUp;
  return negative ? -minor : minor;
}
