import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { createApiKey } from "@/lib/api/keys";
import { rows } from "@/lib/db/client";
import { processShopifyInbox } from "@/lib/integrations/shopify/inbox";
import { signToken } from "@/lib/links/tokens";
import { unsubscribeUrl } from "@/lib/notifications/links";
import { useFreshDatabase, type TestDatabase } from "@/testing/db";
import { createMerchant, createSku, day, placeOrder } from "@/testing/fixtures";
import { footprint, hostile, hostileHeader, hostileJson, hostileString, mutate, nastyStrings } from "@/testing/hostile";
import { appRoutes, serveRoutes } from "@/testing/http";
import {
  fulfillmentPayload,
  inventoryLevelPayload,
  orderPayload,
  productPayload,
  shopifySignature,
} from "@/testing/shopify-examples";

// Hostile input at volume against the routes app/api/v1/fuzz.test.ts does not cover: the reads of
// the ingest API (path and headers), the one-click unsubscribe (tokens), Shopify's webhooks
// (headers, unsigned and signed bodies), hostile headers on the ingest writes, and the lookup as a
// plain form. Never a 5xx, and a refused request changes no row (rate-limit counters aside).
// The support console's routes need a signed-in agent: their inputs are fuzzed in app/actions.fuzz.test.ts.

const runs = Number(process.env.FUZZ_RUNS ?? 40);
const secret = "shpss_fuzz-secret-0000000000000000";
const shopDomain = "fuzz-shop.myshopify.com";

let database: TestDatabase;
let server: { url: string; close: () => Promise<void> };
let key: string;

beforeAll(async () => {
  database = await useFreshDatabase();
  const m = await createMerchant(database.db, {
    slug: "fuzz-shop",
    shopifyShopDomain: shopDomain,
    shopifySecret: secret,
  });
  await createSku(database.db, m.id, { code: "CAP", onHand: 0 });
  await createSku(database.db, m.id, { code: "SHIP", onHand: 1_000 });
  await placeOrder(database.db, m.id, "#F0", [{ sku: "CAP", quantity: 2 }], day(0), "fuzz@example.com");
  key = (await createApiKey(database.db, { merchantSlug: "fuzz-shop", name: "fuzz" })).key;
  server = await serveRoutes(await appRoutes("api/v1", "api/health", "api/unsubscribe", "api/webhooks", "lookup"));
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

const unchangeable = ["api_keys", "rate_limits"];

/** One request; fails on a 5xx or on internals in the answer. */
async function send(path: string, init: RequestInit) {
  const response = await fetch(`${server.url}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  expect(
    response.status,
    `${init.method ?? "GET"} ${path.slice(0, 120)} answered ${response.status}: ${text.slice(0, 200)}`,
  ).toBeLessThan(500);
  expect(text).not.toMatch(/at \w+ \(|node_modules|DrizzleQueryError|Failed query/);
  return { status: response.status, text };
}

/** encodeURIComponent throws on an unpaired surrogate; a client sends its replacement character. */
const encode = (value: string) => encodeURIComponent(value.toWellFormed());

/** A path segment as a client could send it: encoded, raw (when it is a valid segment), or malformed escapes. */
const pathSegment = fc.oneof(
  hostileString.map((s) => encode(s.slice(0, 2_000))),
  fc.constantFrom("%E0%A4%A", "%", "%zz", "%00", "%C0%AF", "..", "%2e%2e", "a%2Fb", "%23F0%00"),
);

describe("hostile input at volume, beyond the ingest writes", () => {
  it("reading an order: hostile numbers and keys never answer 5xx or change anything", async () => {
    await fc.assert(
      fc.asyncProperty(pathSegment, fc.option(hostileHeader, { nil: undefined }), async (segment, authorization) => {
        const before = await footprint(database.db, unchangeable);
        const { status } = await send(`/api/v1/orders/${segment}`, {
          headers: { authorization: authorization ?? `Bearer ${key}` },
        });
        expect(
          status === 200 || status === 400 || status === 401 || status === 404 || status === 422,
          `status ${status}`,
        ).toBe(true);
        expect(await footprint(database.db, unchangeable)).toEqual(before);
      }),
      {
        numRuns: runs,
        examples: [
          ["%00", undefined],
          ["%23F0%00", undefined],
          ["%E0%A4%A", undefined],
          ["F0%ED%A0%80", undefined],
        ],
      },
    );
  });

  it("a write naming its order or purchase order in the path: hostile segments never answer 5xx or change anything", async () => {
    const writes = [
      { path: (s: string) => `/api/v1/orders/${s}/cancel`, body: { skus: [{ sku: "CAP", quantity: 1 }] } },
      { path: (s: string) => `/api/v1/purchase-orders/${s}/cancel`, body: {} },
      { path: (s: string) => `/api/v1/purchase-orders/${s}/receipts`, body: { lines: [{ sku: "CAP", quantity: 1 }] } },
      { path: (s: string) => `/api/v1/purchase-orders/${s}/expected-date`, body: { expectedDate: "2026-12-24" } },
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...writes), pathSegment, async (write, segment) => {
        const before = await footprint(database.db, unchangeable);
        const { status } = await send(write.path(segment), {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify(write.body),
        });
        expect([400, 404, 422], `status ${status}`).toContain(status);
        expect(await footprint(database.db, unchangeable)).toEqual(before);
      }),
      {
        numRuns: runs,
        examples: writes.flatMap((write) =>
          ["%E0%A4%A", "%", "%00", "F0%ED%A0%80"].map((segment) => [write, segment] as [typeof write, string]),
        ),
      },
    );
  });

  it("hostile headers on an ingest write: refused ones change nothing", async () => {
    const valid = { number: "#H1", email: "fuzz@example.com", lines: [{ sku: "CAP", quantity: 1 }] };
    const headers = fc.record(
      {
        authorization: fc.oneof(
          hostileHeader,
          hostileHeader.map((h) => `Bearer ${h}`),
          fc.constant(`Bearer ${"k".repeat(5_000)}`),
        ),
        "idempotency-key": hostileHeader,
        "content-type": fc.oneof(
          hostileHeader,
          fc.constantFrom("application/json; charset=utf-16", "text/plain", "multipart/form-data; boundary=x"),
        ),
        "content-length": fc.constantFrom("-1", "NaN", "1e309", "99999999999"),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(headers, fc.boolean(), async (sent, keyed) => {
        const before = await footprint(database.db, unchangeable);
        const { "content-length": _ignored, ...rest } = sent;
        const { status } = await send("/api/v1/orders", {
          method: "POST",
          headers: { ...(keyed && !rest.authorization ? { authorization: `Bearer ${key}` } : {}), ...rest },
          body: JSON.stringify(valid),
        });
        if (status >= 400) expect(await footprint(database.db, unchangeable)).toEqual(before);
      }),
      { numRuns: runs },
    );
  });

  it("the health check and the API document ignore hostile queries and headers", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("/api/health", "/api/v1/openapi.json"),
        hostileString,
        hostileHeader,
        async (path, query, header) => {
          const { status } = await send(`${path}?${encode(query.slice(0, 2_000))}=${encode(query.slice(0, 100))}`, {
            headers: { accept: header, "x-forwarded-for": header, cookie: `authjs.session-token=${header}` },
          });
          // 431: Node refuses request headers over 16 KB before any route sees them.
          expect([200, 431]).toContain(status);
        },
      ),
      { numRuns: Math.ceil(runs / 2) },
    );
  });

  it("one-click unsubscribe: a forged, tampered or malformed token is a 400 and changes nothing", async () => {
    const real = unsubscribeUrl("fuzz@example.com").split("/").at(-1)!;
    const token = fc.oneof(
      pathSegment,
      // A real token with a nasty tail, a flipped character, or its signature cut.
      fc.constantFrom(...nastyStrings).map((nasty) => encode(real + nasty)),
      fc.nat({ max: real.length - 1 }).map((i) => real.slice(0, i) + (real[i] === "A" ? "B" : "A") + real.slice(i + 1)),
      fc.constant(real.split(".")[0]!),
      // Signed, but for another purpose or with a payload that is not an email.
      fc.constant(signToken("preferences", { e: "fuzz@example.com" })),
      hostile.map((payload) => encode(signToken("unsubscribe", { e: payload }))),
    );
    await fc.assert(
      fc.asyncProperty(token, fc.constantFrom("GET", "POST"), hostileString, async (sent, method, body) => {
        const before = await footprint(database.db, unchangeable);
        const { status } = await send(`/api/unsubscribe/${sent}`, {
          method,
          body: method === "POST" ? body.slice(0, 50_000) : undefined,
          redirect: "manual",
        });
        // 404: fetch resolves `..` before sending, so the test server has no such route; 413: a body
        // over the form limit is refused unread; 431: Node refuses a request line and headers over
        // 16 KB before any route sees them.
        if (status === 400 || status === 404 || status === 413 || status === 431)
          expect(await footprint(database.db, unchangeable)).toEqual(before);
        else expect([200, 303]).toContain(status);
      }),
      { numRuns: runs },
    );
  });

  it("the lookup as a plain form with hostile fields and headers: never 5xx, no rows but rate limits", async () => {
    const form = fc.record({ number: hostileString, email: hostileString }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(
        form,
        hostileHeader,
        fc.constantFrom("application/x-www-form-urlencoded", "multipart/form-data", "text/plain", "application/json"),
        async (fields, header, type) => {
          const before = await footprint(database.db, unchangeable);
          const body =
            type === "multipart/form-data"
              ? Object.entries(fields).reduce((f, [k, v]) => (f.set(k, v), f), new FormData())
              : new URLSearchParams(fields as Record<string, string>).toString();
          const { status } = await send("/lookup", {
            method: "POST",
            headers: {
              accept: header,
              "x-forwarded-for": header,
              ...(type === "multipart/form-data" ? {} : { "content-type": type }),
            },
            body,
            redirect: "manual",
          });
          expect([200, 303, 404, 413, 422, 429]).toContain(status);
          expect(await footprint(database.db, unchangeable)).toEqual(before);
        },
      ),
      {
        numRuns: runs,
        examples: [
          [{ number: "#F0\u0000", email: "fuzz@example.com" }, "application/json", "application/x-www-form-urlencoded"],
          [{ number: "#F0", email: "fuzz\ud800@example.com" }, "text/html", "multipart/form-data"],
        ],
      },
    );
  });
});

describe("Shopify webhooks with hostile input", () => {
  const topics = [
    "orders/create",
    "orders/updated",
    "orders/cancelled",
    "fulfillments/create",
    "fulfillments/update",
    "inventory_levels/update",
    "products/create",
    "products/update",
  ];
  let webhook = 0;
  // The route logs each refused payload as a warning; hundreds of them say nothing here.
  beforeAll(() => void vi.spyOn(console, "warn").mockImplementation(() => {}));
  afterAll(() => vi.mocked(console.warn).mockRestore());

  it("unsigned or wrongly signed: 401 or 400, and nothing is stored", async () => {
    const headers = fc.record(
      {
        "x-shopify-hmac-sha256": fc.oneof(hostileHeader, fc.constant(Buffer.alloc(32).toString("base64"))),
        "x-shopify-topic": fc.oneof(fc.constantFrom(...topics), hostileHeader),
        "x-shopify-webhook-id": hostileHeader,
        "x-shopify-shop-domain": fc.oneof(fc.constant(shopDomain), hostileHeader),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(pathSegment, fc.boolean(), headers, hostile, async (slug, ourShop, sent, payload) => {
        const before = await footprint(database.db, unchangeable);
        const body = hostileJson(payload);
        const { status } = await send(`/api/webhooks/shopify/${ourShop ? "fuzz-shop" : slug}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...sent },
          body,
        });
        // 431: Node refuses request headers over 16 KB before any route sees them.
        expect([400, 401, 404, 413, 431]).toContain(status);
        expect(await footprint(database.db, unchangeable)).toEqual(before);
      }),
      { numRuns: runs },
    );
  });

  it("signed but hostile: stored once (rejected or pending), never 5xx; the worker refuses it cleanly and no tracking link is anything but http(s)", async () => {
    const order = orderPayload({ name: "#S1", email: "fuzz@example.com", lines: [{ sku: "SHIP", quantity: 500 }] });
    const fulfillment = (id: number, trackingUrls: string[]) =>
      fulfillmentPayload({ id: String(id), name: `#S1.${id}`, lines: [{ sku: "SHIP", quantity: 1 }], trackingUrls });
    const scriptLinks = [
      "javascript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      " JAVASCRIPT:alert(1)",
      'https://ok.example/"><img src=x onerror=alert(1)>',
    ];
    const webhooks = fc.oneof(
      fc.tuple(fc.constantFrom("orders/create", "orders/updated", "orders/cancelled"), mutate(order)),
      fc.tuple(
        fc.constantFrom("fulfillments/create", "fulfillments/update"),
        mutate(fulfillment(1, ["https://track.example/1"])),
      ),
      fc.tuple(
        fc.constant("inventory_levels/update"),
        mutate(inventoryLevelPayload({ inventoryItemId: "39072856", available: 5 })),
      ),
      fc.tuple(
        fc.constantFrom("products/create", "products/update"),
        mutate(
          productPayload({
            title: "Cap",
            handle: "cap",
            variants: [{ id: "1", sku: "CAP", title: "Cap", price: "10.00", inventoryItemId: "39072856" }],
          }),
        ),
      ),
      // A fulfillment whose tracking link is a script: it may ship, but never with that link.
      fc.tuple(
        fc.constant("fulfillments/create"),
        fc
          .tuple(fc.integer({ min: 2, max: 1_000_000 }), fc.constantFrom(...scriptLinks))
          .map(([id, url]) => fulfillment(id, [url])),
      ),
      // And any payload under any topic.
      fc.tuple(fc.constantFrom(...topics), hostile),
    );
    const signedPost = async (topic: string, payload: unknown, webhookId: string) => {
      const body = hostileJson(payload).replace(/"#big:(\d+)"/g, "$1");
      return send("/api/webhooks/shopify/fuzz-shop", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-shopify-topic": topic,
          "x-shopify-webhook-id": webhookId,
          "x-shopify-shop-domain": shopDomain,
          "x-shopify-hmac-sha256": shopifySignature(secret, body),
        },
        body,
      });
    };
    const problems: string[] = [];
    const work = () => processShopifyInbox(database.db, { limit: 5, log: (message) => problems.push(message) });
    // Shopify creates the order first, so fulfillments have something to ship; one goes out.
    await signedPost("orders/create", order, "seed-order");
    await signedPost("fulfillments/create", fulfillment(1, ["https://track.example/1"]), "seed-fulfillment");
    await work();
    expect(await rows(database.db, sql`select tracking_url as url from shipments`)).toEqual([
      { url: "https://track.example/1" },
    ]);

    await fc.assert(
      fc.asyncProperty(webhooks, async ([topic, payload]) => {
        const webhookId = `fuzz-${++webhook}`;
        const { status, text } = await signedPost(topic, payload, webhookId);
        expect(status, text).toBe(200);
        const [stored] = await rows<{ status: string }>(
          database.db,
          sql`select status from shopify_webhooks where webhook_id = ${webhookId}`,
        );
        expect(["rejected", "pending"]).toContain(stored?.status);
        // Applying it either works or is refused with a reason; anything else the worker logs is a bug.
        await work();
        expect(problems).toEqual([]);
        const links = await rows<{ url: string }>(
          database.db,
          sql`select tracking_url as url from shipments where tracking_url is not null`,
        );
        for (const { url } of links) expect(url).toMatch(/^https?:\/\//);
      }),
      {
        numRuns: runs,
        examples: scriptLinks.map((url, i): [[string, unknown]] => [
          ["fulfillments/create", fulfillment(100 + i, [url])],
        ]),
      },
    );
  });
});
