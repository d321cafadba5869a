import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { rows } from "../db/client";
import { webhookEndpoints } from "../db/schema/integrations";
import { merchants } from "../db/schema/merchants";
import { cancelLines } from "../orders/cancel";
import { addAgent, agentScope, type AgentScope } from "../support/access";
import { useFreshDatabase, type TestDatabase } from "../../testing/db";
import { createMerchant, createSku, placeOrder } from "../../testing/fixtures";
import {
  adminConnectShopify,
  adminDisconnectShopify,
  adminEndShopifyRotation,
  adminRotateEndpointSecret,
  adminSaveEndpoint,
  adminSetEndpointEnabled,
  agentResendDelivery,
  agentRetryShopifyWebhook,
  integrationLogs,
  integrationSettings,
  integrationsOverview,
} from "./console";

// Who may see and change integrations, checked where the data is read and written (the pages and
// actions call these; e2e/integrations.spec.ts checks the same through the browser).

let database: TestDatabase;
let agentA: AgentScope;
let admin: AgentScope;
let shopA: { id: string; slug: string };
let shopB: { id: string; slug: string };
let deliveryB: string;

beforeAll(async () => {
  database = await useFreshDatabase();
  const { db } = database;
  shopA = await createMerchant(db, { slug: "alpha-outfitters" });
  shopB = await createMerchant(db, { slug: "beta-goods" });
  await addAgent(db, { email: "jo@alpha.example", merchantSlug: "alpha-outfitters" });
  await addAgent(db, { email: "boss@3pl.example", all: true });
  agentA = (await agentScope(db, "jo@alpha.example"))!;
  admin = (await agentScope(db, "boss@3pl.example"))!;
  for (const shop of [shopA, shopB])
    await adminSaveEndpoint(db, admin, { slug: shop.slug, url: "https://hooks.example/backorders", now: new Date() });
  await createSku(db, shopB.id, { code: "MUG", priceMinor: 1200 });
  const order = await placeOrder(db, shopB.id, "#2001", [{ sku: "MUG", quantity: 1 }], new Date());
  await cancelLines(db, {
    merchantId: shopB.id,
    orderId: order.orderId,
    actor: { type: "shopper", id: "x@example.com" },
    now: new Date(),
  });
  [{ id: deliveryB }] = (await rows<{ id: string }>(
    db,
    sql`select id from webhook_deliveries where merchant_id = ${shopB.id}::uuid and event_type = 'order_line.cancelled'`,
  )) as [{ id: string }];
  // The order's own order.backordered delivery is not what this test is about.
  await rows(db, sql`delete from webhook_deliveries where merchant_id = ${shopB.id}::uuid and id <> ${deliveryB}`);
  await rows(db, sql`update webhook_deliveries set status = 'failed' where id = ${deliveryB}`);
  await rows(
    db,
    sql`insert into shopify_webhooks (merchant_id, webhook_id, topic, payload, status, error) values (${shopB.id}::uuid, 'wh-b-1', 'orders/create', '{}'::jsonb, 'failed', 'SKU X is not in the catalogue yet')`,
  );
});
afterAll(async () => {
  await database.close();
});

const now = () => new Date();

describe("integration pages and actions, by who is asking", () => {
  it("an agent sees the logs of the shops they serve, and another shop's as not found", async () => {
    const own = await integrationLogs(database.db, agentA, shopA.slug);
    expect(own.merchant.id).toBe(shopA.id);
    await expect(integrationLogs(database.db, agentA, shopB.slug)).rejects.toMatchObject({ code: "not_found" });
    await expect(integrationLogs(database.db, agentA, "no-such-shop")).rejects.toMatchObject({ code: "not_found" });
    expect((await integrationsOverview(database.db, agentA)).map((s) => s.slug)).toEqual([shopA.slug]);
    const all = await integrationLogs(database.db, admin, shopB.slug);
    expect(all.deliveries.map((d) => d.id)).toEqual([deliveryB]);
    expect(all.shopify.map((w) => w.webhookId)).toEqual(["wh-b-1"]);
  });

  it("an agent of another shop cannot resend its deliveries or reprocess its Shopify webhooks", async () => {
    await expect(
      agentResendDelivery(database.db, agentA, { slug: shopB.slug, deliveryId: deliveryB, now: now() }),
    ).rejects.toMatchObject({ code: "not_found" });
    // Naming their own shop with the other shop's delivery id finds nothing either.
    await expect(
      agentResendDelivery(database.db, agentA, { slug: shopA.slug, deliveryId: deliveryB, now: now() }),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(
      agentRetryShopifyWebhook(database.db, agentA, { slug: shopA.slug, webhookId: "wh-b-1", now: now() }),
    ).rejects.toMatchObject({ code: "not_found" });
    const [row] = await rows<{ status: string }>(
      database.db,
      sql`select status from webhook_deliveries where id = ${deliveryB}`,
    );
    expect(row!.status).toBe("failed");
    // Their admin can.
    await agentResendDelivery(database.db, admin, { slug: shopB.slug, deliveryId: deliveryB, now: now() });
    await agentRetryShopifyWebhook(database.db, admin, { slug: shopB.slug, webhookId: "wh-b-1", now: now() });
    const [after] = await rows<{ status: string }>(
      database.db,
      sql`select status from webhook_deliveries where id = ${deliveryB}`,
    );
    expect(after!.status).toBe("pending");
  });

  it("settings are for admins only, even for the shop an agent serves, and change nothing when refused", async () => {
    const before = await database.db.select().from(merchants).where(eq(merchants.id, shopA.id));
    const endpointBefore = await database.db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.merchantId, shopA.id));
    const refusals = [
      integrationSettings(database.db, agentA, shopA.slug),
      adminSaveEndpoint(database.db, agentA, { slug: shopA.slug, url: "https://evil.example/steal", now: now() }),
      adminRotateEndpointSecret(database.db, agentA, { slug: shopA.slug, now: now() }),
      adminSetEndpointEnabled(database.db, agentA, { slug: shopA.slug, enabled: false, now: now() }),
      adminConnectShopify(database.db, agentA, {
        slug: shopA.slug,
        shopDomain: "alpha.myshopify.com",
        secret: "shpss_0123456789abcdef0123",
        now: now(),
      }),
      adminEndShopifyRotation(database.db, agentA, { slug: shopA.slug, now: now() }),
      adminDisconnectShopify(database.db, agentA, { slug: shopA.slug, now: now() }),
    ];
    for (const refused of refusals) await expect(refused).rejects.toMatchObject({ code: "forbidden" });
    expect(await database.db.select().from(merchants).where(eq(merchants.id, shopA.id))).toEqual(before);
    expect(await database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.merchantId, shopA.id))).toEqual(
      endpointBefore,
    );
  });

  it("an admin connects Shopify and rotates secrets; secrets come back once and the audit log keeps only hints", async () => {
    const first = await adminConnectShopify(database.db, admin, {
      slug: shopA.slug,
      shopDomain: "Alpha-Outfitters.myshopify.com",
      secret: "shpss_first-secret-0000000000",
      now: now(),
    });
    expect(first).toEqual({ rotated: false, previousValidUntil: null });
    const second = await adminConnectShopify(database.db, admin, {
      slug: shopA.slug,
      shopDomain: "alpha-outfitters.myshopify.com",
      secret: "shpss_second-secret-111111111",
      now: now(),
    });
    expect(second.rotated).toBe(true);
    const settings = await integrationSettings(database.db, admin, shopA.slug);
    expect(settings.status.shopify).toMatchObject({
      connected: true,
      shopDomain: "alpha-outfitters.myshopify.com",
      secretHint: "…1111",
    });
    expect(settings.status.shopify.previousSecretUntil!.getTime()).toBeGreaterThan(Date.now() + 71 * 3_600_000);

    const rotated = await adminRotateEndpointSecret(database.db, admin, { slug: shopA.slug, now: now() });
    expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect((await integrationSettings(database.db, admin, shopA.slug)).status.endpoint!.secretHint).toBe(
      `${rotated.secret.slice(0, 10)}…${rotated.secret.slice(-4)}`,
    );
    const audit = await rows<{ after: unknown }>(
      database.db,
      sql`select after from audit_log where merchant_id = ${shopA.id}::uuid and action like 'integration.%'`,
    );
    const logged = JSON.stringify(audit);
    expect(logged).not.toContain("shpss_second-secret-111111111");
    expect(logged).not.toContain(rotated.secret);

    await expect(
      adminSaveEndpoint(database.db, admin, { slug: shopA.slug, url: "http://hooks.example/plain", now: now() }),
    ).rejects.toThrow("The endpoint URL must use https (plain http only for localhost).");
    await expect(
      adminConnectShopify(database.db, admin, {
        slug: shopA.slug,
        shopDomain: "alpha.example.com",
        secret: "shpss_second-secret-111111111",
        now: now(),
      }),
    ).rejects.toMatchObject({ field: "shop domain" });
  });
});
