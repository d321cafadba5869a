import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import * as shopifyRoute from "./[merchant]/route";
import { rows } from "@/lib/db/client";
import { skus } from "@/lib/db/schema/catalog";
import { merchants } from "@/lib/db/schema/merchants";
import { orderLines, orders, shipments } from "@/lib/db/schema/orders";
import { useFreshDatabase, type TestDatabase } from "@/testing/db";
import { createMerchant, createPo } from "@/testing/fixtures";
import { serveRoutes } from "@/testing/http";
import {
  fulfillmentPayload,
  inventoryLevelPayload,
  orderPayload,
  productPayload,
  shopifyBody,
  shopifyHeaders,
} from "@/testing/shopify-examples";
import { startIntegrationLoops } from "@/lib/integrations/worker";
import { processShopifyInbox } from "@/lib/integrations/shopify/inbox";

// Shopify's webhooks over real HTTP to the route handler, with payloads shaped after Shopify's
// documented examples, then applied the way the worker applies them.

const secret = "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";
const shopDomain = "northwind-test.myshopify.com";
let database: TestDatabase;
let server: { url: string; close: () => Promise<void> };
let merchantId: string;
let webhookCounter = 0;

beforeAll(async () => {
  database = await useFreshDatabase();
  const m = await createMerchant(database.db, {
    slug: "northwind-test",
    shopifyShopDomain: shopDomain,
    shopifySecret: secret,
  });
  merchantId = m.id;
  server = await serveRoutes([{ method: "POST", path: "/api/webhooks/shopify/:merchant", handler: shopifyRoute.POST }]);
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function post(
  topic: string,
  payload: unknown,
  options: { webhookId?: string; secret?: string; body?: string; headers?: Record<string, string>; slug?: string } = {},
) {
  const body = options.body ?? shopifyBody(payload);
  const webhookId = options.webhookId ?? `b54557e4-8a5f-bf7d-70bc-${String(++webhookCounter).padStart(12, "0")}`;
  const started = performance.now();
  const response = await fetch(`${server.url}/api/webhooks/shopify/${options.slug ?? "northwind-test"}`, {
    method: "POST",
    headers: {
      ...shopifyHeaders({ topic, webhookId, secret: options.secret ?? secret, body, shopDomain }),
      ...options.headers,
    },
    body: options.body === undefined ? body : options.body,
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    ms: performance.now() - started,
    webhookId,
  };
}

/** What the worker does: apply everything due now. */
const work = (now = new Date()) =>
  processShopifyInbox(database.db, {
    now,
    limit: 100,
    log: (m) => {
      throw new Error(m);
    },
  });

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

async function footprint() {
  const [counts] = await rows<{ w: number; o: number; l: number; a: number; s: number; h: number }>(
    database.db,
    sql`select (select count(*)::int from shopify_webhooks) w, (select count(*)::int from orders) o, (select count(*)::int from order_lines) l,
               (select count(*)::int from audit_log) a, (select count(*)::int from shipments) s, (select coalesce(sum(on_hand), 0)::int from skus) h`,
  );
  return counts!;
}

async function webhookRow(webhookId: string) {
  const [row] = await rows<{ status: string; outcome: string | null; error: string | null; attempts: number }>(
    database.db,
    sql`select status, outcome, error, attempts from shopify_webhooks where merchant_id = ${merchantId}::uuid and webhook_id = ${webhookId}`,
  );
  return row;
}

const orderOf = async (number: string) => {
  const [order] = await database.db
    .select()
    .from(orders)
    .where(and(eq(orders.merchantId, merchantId), eq(orders.number, number)));
  const lines = order
    ? await database.db.select().from(orderLines).where(eq(orderLines.orderId, order.id)).orderBy(orderLines.id)
    : [];
  return { order, lines };
};

describe("Shopify webhooks in, over HTTP", () => {
  it("products/create adds the SKUs and maps their inventory items, ids above 2^53 kept exact", async () => {
    const created = await post(
      "products/create",
      productPayload({
        title: "Example T-Shirt",
        handle: "example-t-shirt",
        variants: [
          {
            id: "642667041472713922",
            sku: "example-shirt-s",
            title: "Small",
            price: "19.99",
            inventoryItemId: "271878346596884015",
          },
          {
            id: "757650484644203962",
            sku: "example-shirt-m",
            title: "Medium",
            price: "19.99",
            inventoryItemId: "271878346596884016",
            inventoryPolicy: "deny",
          },
          {
            id: "757650484644203963",
            sku: null,
            title: "Large",
            price: "19.99",
            inventoryItemId: "271878346596884017",
          },
        ],
      }),
    );
    expect(created.status).toBe(200);
    // With pictures: the variant names its own (image_id), which wins over the product's.
    const ipod = productPayload({
      id: "632910392",
      title: "IPod Nano - 8GB",
      handle: "ipod-nano",
      variants: [
        { id: "808950810", sku: "IPOD-342-N", title: "Default Title", price: "199.00", inventoryItemId: "39072856" },
      ],
    });
    await post("products/create", {
      ...ipod,
      image: { src: "https://cdn.shopify.com/s/files/ipod-nano.png", alt: null },
      images: [{ id: 850703190, src: "https://cdn.shopify.com/s/files/ipod-nano-pink.png" }],
      variants: ipod.variants.map((v) => ({ ...v, image_id: 850703190 })),
    });
    expect(await work()).toEqual({ processed: 2, failed: 0, retrying: 0 });

    const catalogue = (await database.db.select().from(skus).where(eq(skus.merchantId, merchantId))).sort((a, b) =>
      a.code < b.code ? -1 : 1,
    );
    expect(catalogue.map((s) => [s.code, s.title, s.variantTitle, s.priceMinor, s.backorderPolicy, s.onHand])).toEqual([
      ["IPOD-342-N", "IPod Nano - 8GB", null, 19900, "allow", 0],
      ["example-shirt-m", "Example T-Shirt", "Medium", 1999, "deny", 0],
      ["example-shirt-s", "Example T-Shirt", "Small", 1999, "allow", 0],
    ]);
    expect(catalogue.map((s) => s.imageUrl)).toEqual([
      "https://cdn.shopify.com/s/files/ipod-nano-pink.png",
      null,
      null,
    ]);
    const mapping = await rows<{ item: string; code: string }>(
      database.db,
      sql`select i.inventory_item_id::text as item, s.code from shopify_inventory_items i join skus s on s.id = i.sku_id where i.merchant_id = ${merchantId}::uuid`,
    );
    expect(mapping.sort((a, b) => (a.item < b.item ? -1 : 1))).toEqual([
      { item: "271878346596884015", code: "example-shirt-s" },
      { item: "271878346596884016", code: "example-shirt-m" },
      { item: "39072856", code: "IPOD-342-N" },
    ]);
    expect((await webhookRow(created.webhookId))!.outcome).toContain("1 variant(s) without SKU left out");

    // products/update with a re-created variant: the new item maps, the old one stops counting.
    await post(
      "products/update",
      productPayload({
        title: "Example T-Shirt",
        handle: "example-t-shirt",
        variants: [
          {
            id: "642667041472713922",
            sku: "example-shirt-s",
            title: "Small",
            price: "21.50",
            inventoryItemId: "271878346596884099",
          },
        ],
      }),
    );
    await work();
    const [small] = await database.db
      .select()
      .from(skus)
      .where(and(eq(skus.merchantId, merchantId), eq(skus.code, "example-shirt-s")));
    expect(small!.priceMinor).toBe(2150);
    const items = await rows<{ item: string }>(
      database.db,
      sql`select inventory_item_id::text as item from shopify_inventory_items where sku_id = ${small!.id}::uuid`,
    );
    expect(items).toEqual([{ item: "271878346596884099" }]);
  });

  it("a valid signature creates the order with its backordered lines and ETAs, answered at once and applied by the worker", async () => {
    await createPo(
      database.db,
      merchantId,
      "PO-TEE-1",
      inDays(20),
      [{ sku: "example-shirt-s", quantity: 10 }],
      new Date(),
    );
    await post("inventory_levels/update", inventoryLevelPayload({ inventoryItemId: "39072856", available: 5 }));
    await work();

    const answer = await post(
      "orders/create",
      orderPayload({
        name: "#9999",
        email: "Jon@Example.com",
        customer: { first: "Jon", last: "Snow" },
        lines: [
          { sku: "IPOD-342-N", quantity: 1 },
          { sku: "IPOD-342-N", quantity: 1, id: "141249953214522974" },
          { sku: "example-shirt-s", quantity: 2, price: "19.99", title: "Example T-Shirt - Small" },
          { sku: null, quantity: 1, price: "5.00", title: "Gift wrap" },
        ],
      }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ received: true, duplicate: false });
    expect(answer.ms).toBeLessThan(1000);
    // Stored, not yet applied: the worker does that.
    expect((await webhookRow(answer.webhookId))!.status).toBe("pending");
    expect((await orderOf("#9999")).order).toBeUndefined();

    expect(await work()).toEqual({ processed: 1, failed: 0, retrying: 0 });
    const { order, lines } = await orderOf("#9999");
    expect(order).toMatchObject({
      email: "jon@example.com",
      customerName: "Jon Snow",
      channel: "shopify",
      externalId: "820982911946154508",
      currency: "USD",
    });
    expect(order!.shippingAddress).toMatchObject({
      name: "Jon Snow",
      line1: "123 Shipping Street",
      city: "Shippington",
      region: "KY",
      postalCode: "40003",
      country: "US",
    });
    // Two line items of one SKU are one line of two units; the item without a SKU is left out.
    expect(lines.map((l) => [l.skuCode, l.quantity, l.unitPriceMinor, l.status])).toEqual([
      ["IPOD-342-N", 2, 19900, "ready"],
      ["example-shirt-s", 2, 1999, "backordered"],
    ]);
    const waiting = lines[1]!;
    expect(waiting.etaBasis).toBe("po");
    expect(waiting.shipStart).not.toBeNull();
    expect(waiting.shipEnd! >= waiting.shipStart!).toBe(true);
    expect(waiting.shipStart! >= inDays(20)).toBe(true);
    const [email] = await rows<{ kind: string; email: string }>(
      database.db,
      sql`select kind, email from notifications where order_id = ${order!.id}::uuid`,
    );
    expect(email).toEqual({ kind: "backordered", email: "jon@example.com" });
    expect((await webhookRow(answer.webhookId))!.outcome).toBe(
      "Order #9999 created: 2 line(s), 1 waiting. Left out: Gift wrap (no SKU).",
    );
  });

  it("a wrong signature gets 401 and writes nothing", async () => {
    const payload = orderPayload({
      id: "820982911946154599",
      name: "#6666",
      email: "eve@example.com",
      lines: [{ sku: "IPOD-342-N", quantity: 1 }],
    });
    const body = shopifyBody(payload);
    const before = await footprint();
    const attempts = [
      await post("orders/create", payload, { secret: "shpss_not-the-secret" }),
      // Signed, then changed on the way: the HMAC is over the raw bytes.
      await post("orders/create", payload, {
        body: body.replace('"quantity":1', '"quantity":9'),
        headers: {
          "x-shopify-hmac-sha256": shopifyHeaders({ topic: "orders/create", webhookId: "x", secret, body })[
            "x-shopify-hmac-sha256"
          ]!,
        },
      }),
      await post("orders/create", payload, { headers: { "x-shopify-hmac-sha256": "" } }),
      await post("orders/create", payload, { headers: { "x-shopify-hmac-sha256": "bm90IGEgc2lnbmF0dXJl" } }),
      // An unknown shop looks the same as a wrong signature.
      await post("orders/create", payload, { slug: "no-such-shop" }),
    ];
    for (const attempt of attempts) expect(attempt.status).toBe(401);
    expect(await work()).toEqual({ processed: 0, failed: 0, retrying: 0 });
    expect(await footprint()).toEqual(before);
  });

  it("the same webhook id twice has one effect", async () => {
    const payload = orderPayload({
      id: "820982911946154600",
      name: "#7001",
      email: "ada@example.com",
      lines: [{ sku: "example-shirt-m", quantity: 3, price: "19.99" }],
    });
    const first = await post("orders/create", payload, { webhookId: "dup-7001" });
    const again = await post("orders/create", payload, { webhookId: "dup-7001" });
    expect(first.body).toEqual({ received: true, duplicate: false });
    expect(again).toMatchObject({ status: 200, body: { received: true, duplicate: true } });
    expect(await work()).toEqual({ processed: 1, failed: 0, retrying: 0 });
    // After processing, a late redelivery of the same id is still nothing.
    expect((await post("orders/create", payload, { webhookId: "dup-7001" })).body).toEqual({
      received: true,
      duplicate: true,
    });
    expect(await work()).toEqual({ processed: 0, failed: 0, retrying: 0 });
    // orders/updated repeating the same order (a new webhook id) changes no quantities.
    await post("orders/updated", payload);
    await work();

    const { order, lines } = await orderOf("#7001");
    expect(lines.map((l) => [l.skuCode, l.quantity, l.cancelledQuantity, l.status])).toEqual([
      ["example-shirt-m", 3, 0, "backordered"],
    ]);
    const created = await rows(
      database.db,
      sql`select 1 from audit_log where order_id = ${order!.id}::uuid and action = 'order.created'`,
    );
    expect(created).toHaveLength(1);
    const emails = await rows(database.db, sql`select 1 from notifications where order_id = ${order!.id}::uuid`);
    expect(emails).toHaveLength(1);
  });

  it("a fulfillment marks the right units shipped with tracking, once", async () => {
    await post(
      "inventory_levels/update",
      inventoryLevelPayload({ inventoryItemId: "271878346596884016", available: 10 }),
    );
    const payload = orderPayload({
      id: "820982911946154700",
      name: "#7100",
      email: "grace@example.com",
      lines: [
        { sku: "IPOD-342-N", quantity: 2 },
        { sku: "example-shirt-m", quantity: 1, price: "19.99" },
      ],
    });
    await post("orders/create", payload);
    // Shopify does not promise order: the fulfillment may be processed before its order.
    const fulfillment = fulfillmentPayload({
      id: "255858046",
      orderId: "820982911946154700",
      name: "#7100.1",
      lines: [{ sku: "IPOD-342-N", quantity: 1 }],
      trackingCompany: "UPS",
      trackingNumbers: ["1Z999AA10123456784"],
    });
    const shipped = await post("fulfillments/create", fulfillment);
    await work();
    const before = await orderOf("#7100");
    const [ipodBefore] = await database.db
      .select()
      .from(skus)
      .where(and(eq(skus.merchantId, merchantId), eq(skus.code, "IPOD-342-N")));

    expect((await webhookRow(shipped.webhookId))!.status).toBe("processed");
    expect(before.lines.map((l) => [l.skuCode, l.quantity, l.shippedQuantity, l.status])).toEqual([
      ["IPOD-342-N", 2, 1, "ready"],
      ["example-shirt-m", 1, 0, "ready"],
    ]);
    const [parcel] = await database.db.select().from(shipments).where(eq(shipments.orderId, before.order!.id));
    expect(parcel).toMatchObject({
      carrier: "UPS",
      trackingNumber: "1Z999AA10123456784",
      trackingUrl: "https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=1Z999AA10123456784",
      externalId: "shopify-fulfillment-255858046",
    });
    expect(parcel!.shippedAt.toISOString()).toBe("2026-11-25T00:00:00.000Z");
    const shippedEmail = await rows(
      database.db,
      sql`select 1 from notifications where order_id = ${before.order!.id}::uuid and kind = 'shipped'`,
    );
    expect(shippedEmail).toHaveLength(1);

    // fulfillments/update for the same fulfillment (a second tracking number added) ships nothing more.
    await post("fulfillments/update", {
      ...fulfillment,
      tracking_numbers: ["1Z999AA10123456784", "1Z999AA10123456791"],
    });
    await work();
    const after = await orderOf("#7100");
    expect(after.lines.map((l) => l.shippedQuantity)).toEqual([1, 0]);
    expect(await database.db.select().from(shipments).where(eq(shipments.orderId, before.order!.id))).toHaveLength(1);
    const [ipodAfter] = await database.db.select().from(skus).where(eq(skus.id, ipodBefore!.id));
    expect(ipodAfter!.onHand).toBe(ipodBefore!.onHand);

    // The carrier's "delivered" (shipment_status on fulfillments/update) records the delivery, once.
    const delivered = await post("fulfillments/update", {
      ...fulfillment,
      shipment_status: "delivered",
      updated_at: "2026-11-27T14:05:00-05:00",
    });
    await work();
    expect((await webhookRow(delivered.webhookId))!.outcome).toContain("delivered");
    const [handedOver] = await database.db.select().from(shipments).where(eq(shipments.orderId, before.order!.id));
    expect(handedOver!.deliveredAt?.toISOString()).toBe("2026-11-27T19:05:00.000Z");
    const again = await post("fulfillments/update", { ...fulfillment, shipment_status: "delivered" });
    await work();
    expect((await webhookRow(again.webhookId))!.outcome).not.toContain("delivered");
    const published = await rows(
      database.db,
      sql`select 1 from published_events where order_id = ${before.order!.id}::uuid and type = 'shipment.delivered'`,
    );
    expect(published).toHaveLength(1);

    // A fulfillment still open at a fulfillment service has not left yet.
    const open = await post(
      "fulfillments/create",
      fulfillmentPayload({
        id: "255858047",
        orderId: "820982911946154700",
        name: "#7100.2",
        status: "open",
        lines: [{ sku: "example-shirt-m", quantity: 1 }],
      }),
    );
    await work();
    expect((await webhookRow(open.webhookId))!.outcome).toContain("is open");
    expect((await orderOf("#7100")).lines[1]!.shippedQuantity).toBe(0);
  });

  it("an inventory update moves stock and allocates the queue, first come first served, summed over locations", async () => {
    await post(
      "products/create",
      productPayload({
        id: "900000000000000001",
        title: "Lantern",
        handle: "lantern",
        variants: [
          {
            id: "900000000000000002",
            sku: "LANTERN",
            title: "Default Title",
            price: "30.00",
            inventoryItemId: "900000000000000003",
          },
        ],
      }),
    );
    await work();
    // Two shoppers order while nothing is in stock (Shopify's available goes to -2).
    await post(
      "orders/create",
      orderPayload({
        id: "820982911946154801",
        name: "#7201",
        email: "first@example.com",
        createdAt: "2026-11-20T10:00:00Z",
        lines: [{ sku: "LANTERN", quantity: 1, price: "30.00" }],
      }),
    );
    await post(
      "orders/create",
      orderPayload({
        id: "820982911946154802",
        name: "#7202",
        email: "second@example.com",
        createdAt: "2026-11-20T11:00:00Z",
        lines: [{ sku: "LANTERN", quantity: 1, price: "30.00" }],
      }),
    );
    await work();
    expect((await orderOf("#7201")).lines[0]!.status).toBe("backordered");
    expect((await orderOf("#7202")).lines[0]!).toMatchObject({ status: "backordered", linesAhead: 1 });

    // One unit arrives at the first warehouse: Shopify reports available -1 there.
    const arrived = await post(
      "inventory_levels/update",
      inventoryLevelPayload({
        inventoryItemId: "900000000000000003",
        locationId: "24826418",
        available: -1,
        updatedAt: "2026-11-25T10:00:00Z",
      }),
    );
    await work();
    const lantern = async () =>
      (
        await database.db
          .select()
          .from(skus)
          .where(and(eq(skus.merchantId, merchantId), eq(skus.code, "LANTERN")))
      )[0]!;
    expect(await lantern()).toMatchObject({ onHand: 1, allocated: 1 });
    expect((await orderOf("#7201")).lines[0]!.status).toBe("ready");
    expect((await orderOf("#7202")).lines[0]!).toMatchObject({ status: "backordered", linesAhead: 0 });
    expect((await webhookRow(arrived.webhookId))!.outcome).toContain(
      "stock set to 1 (-1 available in Shopify + 2 open here)",
    );
    const ready = await rows(
      database.db,
      sql`select 1 from domain_events where type = 'line_ready' and merchant_id = ${merchantId}::uuid`,
    );
    expect(ready.length).toBeGreaterThanOrEqual(1);

    // Three more at a second warehouse: both shoppers' units are promised, two left free.
    await post(
      "inventory_levels/update",
      inventoryLevelPayload({
        inventoryItemId: "900000000000000003",
        locationId: "61229810",
        available: 3,
        updatedAt: "2026-11-25T10:05:00Z",
      }),
    );
    await work();
    expect(await lantern()).toMatchObject({ onHand: 4, allocated: 2 });
    expect((await orderOf("#7202")).lines[0]!.status).toBe("ready");

    // An older level for the first warehouse, arriving late, does not undo a newer one.
    const late = await post(
      "inventory_levels/update",
      inventoryLevelPayload({
        inventoryItemId: "900000000000000003",
        locationId: "24826418",
        available: -2,
        updatedAt: "2026-11-25T09:00:00Z",
      }),
    );
    await work();
    expect((await webhookRow(late.webhookId))!.outcome).toContain("older one is ignored");
    expect(await lantern()).toMatchObject({ onHand: 4, allocated: 2 });
  });

  it("orders/cancelled cancels what is still open, including lines being packed", async () => {
    const payload = orderPayload({
      id: "820982911946154900",
      name: "#7300",
      email: "linus@example.com",
      lines: [
        { sku: "IPOD-342-N", quantity: 1 },
        { sku: "example-shirt-s", quantity: 1, price: "19.99" },
      ],
    });
    await post("orders/create", payload);
    await work();
    expect((await orderOf("#7300")).lines.map((l) => l.status)).toEqual(["ready", "backordered"]);
    await post("orders/cancelled", {
      ...payload,
      cancelled_at: "2026-11-26T10:00:00-05:00",
      cancel_reason: "customer",
    });
    await work();
    const { lines } = await orderOf("#7300");
    expect(lines.map((l) => [l.status, l.cancelledQuantity])).toEqual([
      ["cancelled", 1],
      ["cancelled", 1],
    ]);
    const [audit] = await rows<{ actor_type: string; after: { reason: string } }>(
      database.db,
      sql`select actor_type, after from audit_log where order_id = ${lines[0]!.orderId}::uuid and action = 'line.cancelled' limit 1`,
    );
    expect(audit).toMatchObject({ actor_type: "shopify", after: { reason: "Cancelled in Shopify (customer)" } });
  });

  it("a payload missing required fields is answered 2xx, kept with its reason, and never applied", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { name: _name, ...noName } = orderPayload({
      name: "#7400",
      email: "x@example.com",
      lines: [{ sku: "IPOD-342-N", quantity: 1 }],
    });
    const missingName = await post("orders/create", noName);
    const noEmail = await post("orders/create", {
      ...orderPayload({ name: "#7401", email: "", lines: [{ sku: "IPOD-342-N", quantity: 1 }] }),
      customer: null,
    });
    const badLevel = await post("inventory_levels/update", { inventory_item_id: "abc", available: 1 });
    const unknownTopic = await post("carts/update", { id: 1 });
    const notJson = await post("orders/create", null, { body: "{not json" });
    for (const answer of [missingName, noEmail, badLevel, unknownTopic, notJson]) {
      expect(answer.status).toBe(200);
      expect(answer.body.received).toBe(true);
      expect(answer.body.rejected).toEqual(expect.any(String));
    }
    expect(missingName.body.rejected).toBe(
      "Rejected orders/create: name Invalid input: expected string, received undefined.",
    );
    expect(noEmail.body.rejected).toContain("email is missing");
    expect(badLevel.body.rejected).toContain("inventory_item_id");
    expect(unknownTopic.body.rejected).toBe("Topic carts/update is not one the portal handles.");
    expect(warn).toHaveBeenCalledTimes(5);
    expect(warn.mock.calls[0]![0]).toContain("name Invalid input");
    expect(await webhookRow(missingName.webhookId)).toMatchObject({
      status: "rejected",
      error: expect.stringContaining("name"),
    });
    expect(await work()).toEqual({ processed: 0, failed: 0, retrying: 0 });
    expect((await orderOf("#7400")).order).toBeUndefined();
    warn.mockRestore();
  });

  it("an order with a SKU not yet in the catalogue waits for products/create, then goes in whole", async () => {
    const waiting = await post(
      "orders/create",
      orderPayload({
        id: "820982911946155000",
        name: "#7500",
        email: "new@example.com",
        lines: [
          { sku: "IPOD-342-N", quantity: 1 },
          { sku: "KAYAK-2", quantity: 1, price: "899.00" },
        ],
      }),
    );
    expect(await work()).toEqual({ processed: 0, failed: 0, retrying: 1 });
    expect(await webhookRow(waiting.webhookId)).toMatchObject({
      status: "pending",
      attempts: 1,
      error: expect.stringContaining("SKU KAYAK-2 is not in the catalogue yet"),
    });
    expect((await orderOf("#7500")).order).toBeUndefined();

    await post(
      "products/create",
      productPayload({
        id: "900000000000000010",
        title: "Kayak",
        handle: "kayak",
        variants: [
          {
            id: "900000000000000011",
            sku: "KAYAK-2",
            title: "Two seats",
            price: "899.00",
            inventoryItemId: "900000000000000012",
          },
        ],
      }),
    );
    // The retry comes after its back-off (10 s).
    expect(await work()).toEqual({ processed: 1, failed: 0, retrying: 0 });
    expect(await work(new Date(Date.now() + 11_000))).toEqual({ processed: 1, failed: 0, retrying: 0 });
    expect((await orderOf("#7500")).lines.map((l) => l.skuCode)).toEqual(["IPOD-342-N", "KAYAK-2"]);
  });

  it("gives up on a webhook that keeps waiting, and says why", async () => {
    const lost = await post(
      "fulfillments/create",
      fulfillmentPayload({
        id: "255858099",
        orderId: "820982911946159999",
        name: "#9998.1",
        lines: [{ sku: "IPOD-342-N", quantity: 1 }],
      }),
    );
    let at = Date.now();
    for (let i = 0; i < 7; i++) {
      await processShopifyInbox(database.db, { now: new Date(at), retrySchedule: [1, 1, 1, 1, 1, 1] });
      at += 2000;
    }
    expect(await webhookRow(lost.webhookId)).toMatchObject({
      status: "failed",
      attempts: 7,
      error: expect.stringMatching(/^Gave up after 7 attempts: The order of #9998\.1 is not here yet/),
    });
  });

  it("during a rotation the previous secret verifies until its deadline", async () => {
    await database.db
      .update(merchants)
      .set({
        shopifySecret: "shpss_new-secret-000000000000000000",
        shopifySecretPrevious: secret,
        shopifySecretPreviousExpiresAt: new Date(Date.now() + 60_000),
      })
      .where(eq(merchants.id, merchantId));
    const level = inventoryLevelPayload({ inventoryItemId: "39072856", available: 5 });
    expect((await post("inventory_levels/update", level, { secret })).status).toBe(200);
    expect(
      (await post("inventory_levels/update", level, { secret: "shpss_new-secret-000000000000000000" })).status,
    ).toBe(200);
    await database.db
      .update(merchants)
      .set({ shopifySecretPreviousExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(merchants.id, merchantId));
    expect((await post("inventory_levels/update", level, { secret })).status).toBe(401);
    // Another shop signing with the same app secret is not this merchant's shop.
    const other = await post("inventory_levels/update", level, {
      secret: "shpss_new-secret-000000000000000000",
      headers: { "x-shopify-shop-domain": "someone-else.myshopify.com" },
    });
    expect(other.status).toBe(401);
    await database.db
      .update(merchants)
      .set({ shopifySecret: secret, shopifySecretPrevious: null, shopifySecretPreviousExpiresAt: null })
      .where(eq(merchants.id, merchantId));
    await work();
  });

  it("the worker applies stored webhooks by itself", async () => {
    const loops = startIntegrationLoops({
      db: database.db,
      pollMs: 20,
      log: (m) => {
        throw new Error(m);
      },
    });
    try {
      const answer = await post(
        "orders/create",
        orderPayload({
          id: "820982911946155100",
          name: "#7600",
          email: "worker@example.com",
          lines: [{ sku: "IPOD-342-N", quantity: 1 }],
        }),
      );
      const until = Date.now() + 10_000;
      while ((await webhookRow(answer.webhookId))!.status === "pending" && Date.now() < until)
        await new Promise((r) => setTimeout(r, 20));
      expect((await webhookRow(answer.webhookId))!.status).toBe("processed");
      expect((await orderOf("#7600")).lines).toHaveLength(1);
    } finally {
      await loops.stop();
    }
  });
});
