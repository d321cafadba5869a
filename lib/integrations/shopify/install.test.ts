import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { rows } from "@/lib/db/client";
import { skus } from "@/lib/db/schema/catalog";
import { shopifyConnections, shopifyInstallStates } from "@/lib/db/schema/integrations";
import { merchants } from "@/lib/db/schema/merchants";
import { openToken } from "@/lib/security/token-box";
import { fileDatabase } from "@/testing/db";
import {
  beginInstall,
  browserAgent,
  finishInstall,
  forgetStandInApp,
  installShop,
  testTokenKey,
  useStandInApp,
} from "@/testing/shopify-app";
import { createMerchant } from "@/testing/fixtures";
import { makeProducts, startShopifyStandIn, type ShopifyStandIn } from "@/testing/shopify-standin";
import { adminGraphql, ShopifyUnavailable, throttleWaitMs } from "./admin";
import { startShopifyInstall, type InstallTarget } from "./install";
import { backfillNextPage, registerShopifyWebhooks, runShopifySync, subscribedTopics } from "./sync";

// The install by OAuth against the Shopify stand-in over real HTTP, with @shopify/shopify-api doing
// the protocol: begin → the stand-in's authorize page → callback → code exchange; then webhook
// subscriptions and the catalogue backfill through Admin GraphQL, throttling and an expired token.

const database = fileDatabase();
let standIn: ShopifyStandIn;
const noWait = { sleep: async () => {} };

beforeAll(async () => {
  standIn = await startShopifyStandIn();
  useStandInApp(standIn);
});
afterAll(async () => {
  await standIn?.close();
  forgetStandInApp();
});
beforeEach(() => {
  standIn.pageSize = 50;
});

const begin = (shop: string, target: InstallTarget) => beginInstall(database.db, shop, target);
const callback = (url: URL | string, cookie: string) => finishInstall(database.db, url, cookie);
const install = (shop: string, target: InstallTarget) => installShop(database.db, shop, target);

describe("install by OAuth", () => {
  it("links a new merchant, with our scopes, and stores the token sealed", async () => {
    const shop = "fresh-goods.myshopify.com";
    const { authorize } = await begin(shop, { newMerchant: { name: "Fresh Goods", slug: "fresh-goods" } }).then(
      (b) => b,
    );
    const url = new URL(authorize);
    expect(url.pathname).toBe(`/${shop}/admin/oauth/authorize`);
    expect(url.searchParams.get("scope")).toBe("read_products,read_inventory,write_orders,read_fulfillments");
    expect(url.searchParams.get("redirect_uri")).toBe("http://localhost:3899/api/shopify/callback");

    const answer = await install(shop, { newMerchant: { name: "Fresh Goods", slug: "fresh-goods" } });
    const [merchant] = await database.db.select().from(merchants).where(eq(merchants.slug, "fresh-goods"));
    expect(answer.merchantId).toBe(merchant!.id);
    expect(merchant!.shopifyShopDomain).toBe(shop);
    const [connection] = await database.db
      .select()
      .from(shopifyConnections)
      .where(eq(shopifyConnections.merchantId, merchant!.id));
    const token = standIn.tokens.get(shop)!;
    expect(connection!.accessTokenSealed).not.toContain(token);
    expect(connection!.accessTokenSealed).toMatch(/^v1:/);
    expect(openToken(testTokenKey, connection!.accessTokenSealed!, shop)).toBe(token);
    // Bound to its shop: the same ciphertext under another shop's name does not open.
    expect(() => openToken(testTokenKey, connection!.accessTokenSealed!, "other.myshopify.com")).toThrow(
      /does not decrypt/,
    );
    const audit = await rows<{ action: string }>(
      database.db,
      sql`select action from audit_log where merchant_id = ${merchant!.id}::uuid and action = 'shopify.installed'`,
    );
    expect(audit).toHaveLength(1);
  });

  it("links an existing merchant", async () => {
    const m = await createMerchant(database.db, { slug: "existing-shop" });
    const answer = await install("existing-shop.myshopify.com", { merchantId: m.id });
    expect(answer.merchantSlug).toBe("existing-shop");
  });

  async function nothingStoredFor(shop: string) {
    const connections = await database.db
      .select()
      .from(shopifyConnections)
      .where(eq(shopifyConnections.shopDomain, shop));
    expect(connections).toHaveLength(0);
  }

  it("refuses a callback with a bad HMAC, with a sentence, storing nothing", async () => {
    const shop = "tamper-hmac.myshopify.com";
    const { callback: url, cookie } = await begin(shop, { newMerchant: { name: "T1", slug: "tamper-hmac" } });
    url.searchParams.set("hmac", "0".repeat(64));
    const answer = await callback(url, cookie);
    expect(answer).toMatchObject({ ok: false, status: 400 });
    expect(!answer.ok && answer.error).toMatch(/signature \(hmac\) does not match/);
    await nothingStoredFor(shop);
    expect(standIn.tokens.has(shop)).toBe(false);
  });

  it("refuses a signed callback whose state we never issued", async () => {
    const shop = "tamper-state.myshopify.com";
    const { cookie } = await begin(shop, { newMerchant: { name: "T2", slug: "tamper-state" } });
    const forged = standIn.signedCallback({ shop, state: "123456789012345" });
    const answer = await callback(`http://localhost:3899/api/shopify/callback?${forged}`, cookie);
    expect(!answer.ok && answer.error).toMatch(/not started here/);
    await nothingStoredFor(shop);
  });

  it("refuses a signed callback for another shop than the install was started for", async () => {
    const shop = "tamper-shop.myshopify.com";
    const { callback: url, cookie } = await begin(shop, { newMerchant: { name: "T3", slug: "tamper-shop" } });
    const other = standIn.signedCallback({ shop: "someone-else.myshopify.com", state: url.searchParams.get("state")! });
    const answer = await callback(`http://localhost:3899/api/shopify/callback?${other}`, cookie);
    expect(!answer.ok && answer.error).toMatch(/started for tamper-shop\.myshopify\.com, not someone-else/);
    await nothingStoredFor(shop);
    await nothingStoredFor("someone-else.myshopify.com");
  });

  it("refuses the state without the browser's signed cookie, and a replayed callback", async () => {
    const shop = "tamper-cookie.myshopify.com";
    const { callback: url, cookie } = await begin(shop, { newMerchant: { name: "T4", slug: "tamper-cookie" } });
    const without = await callback(url, "");
    expect(!without.ok && without.error).toMatch(/state does not match this browser/);
    await nothingStoredFor(shop);
    const { callback: again, cookie: cookie2 } = await begin(shop, {
      newMerchant: { name: "T4", slug: "tamper-cookie" },
    });
    expect((await callback(again, cookie2)).ok).toBe(true);
    const replay = await callback(again, cookie2);
    expect(!replay.ok && replay.error).toMatch(/used already/);
    void cookie;
  });

  it("refuses a shop that is not a myshopify.com domain, naming the field", async () => {
    const answer = await startShopifyInstall(database.db, {
      request: new Request("http://localhost:3899/api/shopify/install", { headers: { "user-agent": browserAgent } }),
      shop: "evil.example.com",
      target: { newMerchant: { name: "Evil", slug: "evil" } },
      startedBy: "admin@portal.example",
      now: new Date(),
    });
    expect(answer).toMatchObject({ ok: false, field: "shop" });
    expect(
      await database.db
        .select()
        .from(shopifyInstallStates)
        .where(eq(shopifyInstallStates.shopDomain, "evil.example.com")),
    ).toHaveLength(0);
  });
});

describe("after the install, through Admin GraphQL", () => {
  it("registers every webhook topic once, however often it runs", async () => {
    const shop = "hooks-shop.myshopify.com";
    const { merchantId } = await install(shop, { newMerchant: { name: "Hooks", slug: "hooks-shop" } });
    await registerShopifyWebhooks(database.db, merchantId, noWait);
    await registerShopifyWebhooks(database.db, merchantId, noWait);
    const webhooks = standIn.shop(shop).webhooks;
    expect(webhooks.map((w) => w.topic).sort()).toEqual([...subscribedTopics].sort());
    expect(new Set(webhooks.map((w) => w.uri))).toEqual(
      new Set(["http://localhost:3899/api/webhooks/shopify/hooks-shop"]),
    );
    const [connection] = await database.db
      .select()
      .from(shopifyConnections)
      .where(eq(shopifyConnections.merchantId, merchantId));
    expect(connection!.webhookSubscriptions).toHaveLength(subscribedTopics.length);
    expect(connection!.webhooksRegisteredAt).not.toBeNull();
  });

  it("backfills the catalogue page by page, resuming after the last page applied", async () => {
    const shop = "catalogue-shop.myshopify.com";
    standIn.setProducts(shop, makeProducts(7, "CAT"));
    standIn.pageSize = 3;
    const { merchantId } = await install(shop, { newMerchant: { name: "Catalogue", slug: "catalogue-shop" } });
    expect(await backfillNextPage(database.db, merchantId, noWait)).toBe("page");
    // The page fails twice with 5xx (the library retries), then a THROTTLED answer waits by its cost.
    standIn.failNext(1, { status: 503 });
    standIn.failNext(1, { throttled: { requestedQueryCost: 152, currentlyAvailable: 2, restoreRate: 50 } });
    const waits: number[] = [];
    expect(await backfillNextPage(database.db, merchantId, { sleep: async (ms) => void waits.push(ms) })).toBe("page");
    expect(waits).toEqual([3000]);
    const [midway] = await database.db
      .select()
      .from(shopifyConnections)
      .where(eq(shopifyConnections.merchantId, merchantId));
    expect(midway).toMatchObject({ backfillStatus: "running", backfillProducts: 6, backfillVariants: 12 });
    expect(await backfillNextPage(database.db, merchantId, noWait)).toBe("done");
    expect(await backfillNextPage(database.db, merchantId, noWait)).toBe("idle");
    const catalogue = await database.db.select().from(skus).where(eq(skus.merchantId, merchantId));
    expect(catalogue).toHaveLength(14);
    expect(catalogue.find((s) => s.code === "CAT-3-S")).toMatchObject({ backorderPolicy: "allow", priceMinor: 1950 });
    expect(catalogue.find((s) => s.code === "CAT-3-L")).toMatchObject({ backorderPolicy: "deny", priceMinor: 2400 });
    const items = await rows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from shopify_inventory_items where merchant_id = ${merchantId}::uuid`,
    );
    expect(items[0]!.n).toBe(14);
    const pages = standIn.calls.filter((c) => c.shop === shop && c.operation === "CatalogPage");
    // 3 pages applied, plus the 503 and the THROTTLED attempt; the first page was never fetched twice.
    expect(pages.map((p) => p.variables.after ?? null)).toEqual([
      null,
      pages[1]!.variables.after,
      pages[1]!.variables.after,
      pages[1]!.variables.after,
      pages[4]!.variables.after,
    ]);
    const [done] = await database.db
      .select()
      .from(shopifyConnections)
      .where(eq(shopifyConnections.merchantId, merchantId));
    expect(done).toMatchObject({ backfillStatus: "done", backfillProducts: 7, backfillVariants: 14 });
  });

  it("takes a page once when two workers reach for it at the same moment", async () => {
    const shop = "race-shop.myshopify.com";
    standIn.setProducts(shop, makeProducts(4, "RACE"));
    standIn.pageSize = 2;
    const { merchantId } = await install(shop, { newMerchant: { name: "Race", slug: "race-shop" } });
    const now = new Date();
    const steps = await Promise.all([
      backfillNextPage(database.db, merchantId, { ...noWait, now }),
      backfillNextPage(database.db, merchantId, { ...noWait, now }),
    ]);
    // Both calls share one `now`: if the first has already committed its page (and released the
    // lease) when the second looks, the second rightly takes the next page (on PostgreSQL the second
    // connection can open that late). Either way no page is taken twice.
    const taken = steps.filter((step) => step !== "idle");
    expect([
      ["idle", "page"],
      ["done", "page"],
    ]).toContainEqual([...steps].sort());
    const [connection] = await database.db
      .select()
      .from(shopifyConnections)
      .where(eq(shopifyConnections.merchantId, merchantId));
    expect(connection!.backfillProducts).toBe(2 * taken.length);
    expect(connection!.backfillStatus).toBe(taken.length === 2 ? "done" : "running");
  });

  it("stops calling a shop whose token Shopify no longer accepts", async () => {
    const shop = "expired-shop.myshopify.com";
    standIn.setProducts(shop, makeProducts(2, "EXP"));
    const { merchantId } = await install(shop, { newMerchant: { name: "Expired", slug: "expired-shop" } });
    standIn.expireToken(shop);
    const before = standIn.calls.length;
    expect(await runShopifySync(database.db, noWait)).toBeGreaterThanOrEqual(0);
    const [connection] = await database.db
      .select()
      .from(shopifyConnections)
      .where(eq(shopifyConnections.merchantId, merchantId));
    expect(connection!.tokenRejectedAt).not.toBeNull();
    expect(connection!.backfillStatus).toBe("failed");
    expect(connection!.backfillError).toMatch(/install the app again/);
    const made = standIn.calls.length;
    expect(made - before).toBeGreaterThan(0);
    await expect(adminGraphql(database.db, merchantId, "query ShopInfo { shop { name } }")).rejects.toBeInstanceOf(
      ShopifyUnavailable,
    );
    expect(standIn.calls.length).toBe(made);
  });

  it("waits for the bucket by the reported cost", () => {
    expect(throttleWaitMs({ requestedQueryCost: 152, currentlyAvailable: 2, restoreRate: 50 })).toBe(3000);
    expect(throttleWaitMs({ requestedQueryCost: 10, currentlyAvailable: 9, restoreRate: 100 })).toBe(1000);
    expect(throttleWaitMs({ requestedQueryCost: 100_000, currentlyAvailable: 0, restoreRate: 1 })).toBe(60_000);
  });
});
