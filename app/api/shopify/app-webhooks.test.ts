import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import * as complianceRoute from "@/app/api/shopify/compliance/route";
import * as webhookRoute from "@/app/api/webhooks/shopify/[merchant]/route";
import { rows } from "@/lib/db/client";
import { shopifyComplianceRequests, shopifyConnections } from "@/lib/db/schema/integrations";
import { fileDatabase } from "@/testing/db";
import { createPo, createSku } from "@/testing/fixtures";
import { serveRoutes } from "@/testing/http";
import { forgetStandInApp, installShop, useStandInApp } from "@/testing/shopify-app";
import { orderPayload, shopifyBody, shopifyHeaders } from "@/testing/shopify-examples";
import { startShopifyStandIn, type ShopifyStandIn } from "@/testing/shopify-standin";
import { redactDueShops } from "@/lib/integrations/shopify/compliance";
import { processShopifyInbox } from "@/lib/integrations/shopify/inbox";
import { queueWritebacks, sendNextWriteback, sendWritebacks } from "@/lib/integrations/shopify/writeback";

// An installed shop's webhooks over real HTTP, signed with the app's secret: the compliance topics
// doing their job on the data, app/uninstalled stopping everything at once, and ETAs written back
// to the Shopify stand-in's orders with retries.

const database = fileDatabase();
const shop = "comply-shop.myshopify.com";
const maya = "maya.compliance@example.com";
const other = "other.shopper@example.com";
let standIn: ShopifyStandIn;
let server: { url: string; close: () => Promise<void> };
let merchantId: string;
let counter = 0;
const noWait = { sleep: async () => {} };

beforeAll(async () => {
  standIn = await startShopifyStandIn();
  useStandInApp(standIn);
  ({ merchantId } = await installShop(database.db, shop, { newMerchant: { name: "Comply", slug: "comply-shop" } }));
  server = await serveRoutes([
    { method: "POST", path: "/api/webhooks/shopify/:merchant", handler: webhookRoute.POST },
    { method: "POST", path: "/api/shopify/compliance", handler: complianceRoute.POST },
  ]);
  await createSku(database.db, merchantId, { code: "CMP-1", onHand: 0, policy: "allow" });
  await post("/api/webhooks/shopify/comply-shop", "orders/create", {
    ...orderPayload({ id: "111", name: "#2001", email: maya, lines: [{ sku: "CMP-1", quantity: 2 }] }),
  });
  await post("/api/webhooks/shopify/comply-shop", "orders/create", {
    ...orderPayload({ id: "222", name: "#2002", email: other, lines: [{ sku: "CMP-1", quantity: 1 }] }),
  });
  await work();
});
afterAll(async () => {
  await server?.close();
  await standIn?.close();
  forgetStandInApp();
});

async function post(path: string, topic: string, payload: unknown, secret = standIn.apiSecret) {
  const body = shopifyBody(payload);
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: shopifyHeaders({ topic, webhookId: `app-wh-${++counter}`, secret, body, shopDomain: shop }),
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const work = () =>
  processShopifyInbox(database.db, {
    limit: 100,
    log: (m) => {
      throw new Error(m);
    },
  });

async function mentions(email: string): Promise<Record<string, number>> {
  const [found] = await rows<Record<string, number>>(
    database.db,
    sql`select
      (select count(*)::int from orders where email = ${email} or customer_name is not null and email = ${email}) as orders,
      (select count(*)::int from customers where email = ${email}) as customers,
      (select count(*)::int from notifications where email = ${email} or payload::text like ${"%" + email + "%"}) as notifications,
      (select count(*)::int from audit_log where actor_id = ${email} or coalesce(before::text, '') || coalesce(after::text, '') like ${"%" + email + "%"}) as audit,
      (select count(*)::int from shopify_webhooks where payload::text like ${"%" + email + "%"}) as webhooks,
      (select count(*)::int from domain_events where payload::text like ${"%" + email + "%"}) as events,
      (select count(*)::int from webhook_deliveries where payload::text like ${"%" + email + "%"}) as deliveries,
      (select count(*)::int from dev_mailbox where "to" = ${email}) as mailbox`,
  );
  return found!;
}

const counts = async () =>
  (
    await rows<{ orders: number; lines: number; units: number; events: number }>(
      database.db,
      sql`select (select count(*)::int from orders where merchant_id = ${merchantId}::uuid) as orders,
                 (select count(*)::int from order_lines where merchant_id = ${merchantId}::uuid) as lines,
                 (select sum(quantity)::int from order_lines where merchant_id = ${merchantId}::uuid) as units,
                 (select count(*)::int from eta_events where merchant_id = ${merchantId}::uuid) as events`,
    )
  )[0]!;

const metafieldOf = (orderId: string) => {
  const m = standIn.shop(shop).metafields.get(`gid://shopify/Order/${orderId}|backorder.eta`);
  return m ? (JSON.parse(m.value) as { lines: { sku: string; shipStart: string | null; reason: string }[] }) : null;
};
const writesTo = (orderId: string) =>
  standIn.calls.filter(
    (c) =>
      c.status === 200 &&
      !c.throttled &&
      c.operation.startsWith("OrderEta") &&
      JSON.stringify(c.variables).includes(`gid://shopify/Order/${orderId}`),
  ).length;

describe("ETAs written back to Shopify", () => {
  it("writes the order's metafield once per change, retrying 503 and 429 with back-off", async () => {
    await sendWritebacks(database.db, noWait);
    expect(metafieldOf("111")).toMatchObject({ lines: [{ sku: "CMP-1", shipStart: null, reason: "initial" }] });
    expect(writesTo("111")).toBe(1);

    // A PO gives both orders a date: one more write each, and Shopify fails a few times first.
    const now = new Date();
    const expected = new Date(now.getTime() + 20 * 86_400_000).toISOString().slice(0, 10);
    await createPo(database.db, merchantId, "PO-CMP-1", expected, [{ sku: "CMP-1", quantity: 10 }], now);
    standIn.failNext(3, { status: 503 });
    expect(await sendNextWriteback(database.db, { ...noWait, now })).toBe("retrying");
    const [waiting] = await rows<{ next: Date; error: string; attempts: number }>(
      database.db,
      sql`select next_attempt_at as next, last_error as error, attempts from shopify_writebacks where status = 'pending' order by next_attempt_at desc limit 1`,
    );
    expect(new Date(waiting!.next).getTime()).toBe(now.getTime() + 10_000);
    expect(waiting!.attempts).toBe(1);
    standIn.failNext(3, { status: 429, retryAfter: 0 });
    const later = new Date(now.getTime() + 11_000);
    const results = [
      await sendNextWriteback(database.db, { ...noWait, now: later }),
      await sendNextWriteback(database.db, { ...noWait, now: later }),
    ];
    expect(results.sort()).toEqual(["done", "retrying"]);
    await sendWritebacks(database.db, { ...noWait, now: new Date(now.getTime() + 120_000) });
    expect(metafieldOf("111")!.lines[0]).toMatchObject({ reason: "po_created" });
    expect(metafieldOf("111")!.lines[0]!.shipStart).not.toBeNull();
    expect(writesTo("111")).toBe(2);
    expect(writesTo("222")).toBe(2);

    // The same content again is no write at all.
    const [order] = await rows<{ id: string }>(database.db, sql`select id from orders where external_id = '111'`);
    expect(await queueWritebacks(database.db, [order!.id], new Date())).toBe(0);
  });

  it("tags a rolling backorder", async () => {
    await database.db.execute(
      sql`update order_lines set eta_pushes = 2 where order_id = (select id from orders where external_id = '222')`,
    );
    const [order] = await rows<{ id: string }>(database.db, sql`select id from orders where external_id = '222'`);
    expect(await queueWritebacks(database.db, [order!.id], new Date())).toBe(1);
    await sendWritebacks(database.db, noWait);
    expect([...standIn.shop(shop).tags.get("gid://shopify/Order/222")!]).toEqual(["backorder-rolling"]);
  });
});

describe("compliance webhooks", () => {
  it("refuses a compliance webhook with a bad signature and stores nothing", async () => {
    const answer = await post(
      "/api/shopify/compliance",
      "customers/redact",
      { shop_domain: shop, customer: { id: 1, email: maya }, orders_to_redact: [] },
      "not-the-app-secret-000000",
    );
    expect(answer.status).toBe(401);
    expect(await database.db.select().from(shopifyComplianceRequests)).toHaveLength(0);
  });

  it("customers/data_request exports the shopper's data at this shop, and only theirs", async () => {
    const answer = await post("/api/shopify/compliance", "customers/data_request", {
      shop_id: 954889,
      shop_domain: shop,
      orders_requested: [111],
      customer: { id: 191167, email: maya, phone: "555-625-1199" },
      data_request: { id: 9999 },
    });
    expect(answer.status).toBe(200);
    await work();
    const [request] = await database.db
      .select()
      .from(shopifyComplianceRequests)
      .where(eq(shopifyComplianceRequests.topic, "customers/data_request"));
    const exported = request!.export as { orders: { number: string; email: string; lines: { sku: string }[] }[] };
    expect(exported.orders.map((o) => o.number)).toEqual(["#2001"]);
    expect(exported.orders[0]).toMatchObject({ email: maya, lines: [{ sku: "CMP-1" }] });
    expect(JSON.stringify(exported)).not.toContain(other);
    const audit = await rows(
      database.db,
      sql`select 1 from audit_log where action = 'shopify.compliance.customers.data_request'`,
    );
    expect(audit).toHaveLength(1);
  });

  it("customers/redact erases the shopper's personal data and keeps the counts", async () => {
    const before = await counts();
    expect(Object.values(await mentions(maya)).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const otherBefore = await mentions(other);
    await post("/api/shopify/compliance", "customers/redact", {
      shop_id: 954889,
      shop_domain: shop,
      customer: { id: 191167, email: maya, phone: "555-625-1199" },
      orders_to_redact: [111],
    });
    await work();
    expect(await mentions(maya)).toEqual({
      orders: 0,
      customers: 0,
      notifications: 0,
      audit: 0,
      webhooks: 0,
      events: 0,
      deliveries: 0,
      mailbox: 0,
    });
    expect(await counts()).toEqual(before);
    expect((await mentions(other)).orders).toBe(otherBefore.orders);
    const [request] = await database.db
      .select()
      .from(shopifyComplianceRequests)
      .where(eq(shopifyComplianceRequests.topic, "customers/redact"));
    expect(request!.subject).toMatch(/^sha256:[0-9a-f]{64}$/);
    const audit = await rows(
      database.db,
      sql`select 1 from audit_log where action = 'shopify.compliance.customers.redact'`,
    );
    expect(audit).toHaveLength(1);
  });

  it("app/uninstalled stops write-backs and calls at once; shop/redact erases the shop 48 hours later", async () => {
    // A change waiting to go out when the shop uninstalls.
    await database.db.execute(
      sql`update order_lines set ship_end = ship_end + 1 where order_id = (select id from orders where external_id = '222')`,
    );
    const [order] = await rows<{ id: string }>(database.db, sql`select id from orders where external_id = '222'`);
    expect(await queueWritebacks(database.db, [order!.id], new Date())).toBe(1);

    const uninstalled = await post("/api/webhooks/shopify/comply-shop", "app/uninstalled", {
      id: 954889,
      name: "Comply",
      domain: shop,
      myshopify_domain: shop,
    });
    expect(uninstalled.status).toBe(200);
    // Before any worker ran: the connection is closed, the token gone, the pending write cancelled.
    const [connection] = await database.db
      .select()
      .from(shopifyConnections)
      .where(eq(shopifyConnections.merchantId, merchantId));
    expect(connection!.uninstalledAt).not.toBeNull();
    expect(connection!.accessTokenSealed).toBeNull();
    expect(connection!.redactAt!.getTime() - connection!.uninstalledAt!.getTime()).toBe(48 * 3_600_000);
    const callsBefore = standIn.calls.length;
    expect(await sendWritebacks(database.db, noWait)).toBe(0);
    expect(await queueWritebacks(database.db, [order!.id], new Date())).toBe(0);
    expect(standIn.calls.length).toBe(callsBefore);

    // Not yet 48 hours: the sweep leaves the shop alone.
    expect(await redactDueShops(database.db, new Date())).toBe(0);
    expect((await mentions(other)).orders).toBe(1);

    const before = await counts();
    await post("/api/shopify/compliance", "shop/redact", { shop_id: 954889, shop_domain: shop });
    await work();
    expect(await mentions(other)).toMatchObject({ orders: 0, customers: 0, notifications: 0, audit: 0, webhooks: 0 });
    expect(await counts()).toEqual(before);
    const left = await rows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from shopify_webhooks where merchant_id = ${merchantId}::uuid and payload <> '{"redacted": true}'::jsonb`,
    );
    expect(left[0]!.n).toBe(0);
    const audit = await rows(database.db, sql`select 1 from audit_log where action = 'shopify.compliance.shop.redact'`);
    expect(audit).toHaveLength(1);
  });
});
