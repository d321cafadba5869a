import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { createApiKey } from "@/lib/api/keys";
import { useFreshDatabase, type TestDatabase } from "@/testing/db";
import { createMerchant, createPo, createSku, day, placeOrder } from "@/testing/fixtures";
import { footprint as everyTable, hostile, hostileJson, mutate } from "@/testing/hostile";
import { appRoutes, serveRoutes } from "@/testing/http";

// Hostile input at volume against every POST of the ingest API (and the order lookup): never a
// 500, and a rejected request changes nothing.

let database: TestDatabase;
let server: { url: string; close: () => Promise<void> };
let key: string;

const endpoints: { path: string; valid: unknown }[] = [
  {
    path: "/api/v1/orders",
    valid: { number: "#F1", email: "fuzz@example.com", customerName: "Fuzz", lines: [{ sku: "CAP", quantity: 1 }] },
  },
  {
    path: "/api/v1/order-batches",
    valid: {
      orders: [
        { number: "#FB1", email: "fuzz@example.com", lines: [{ sku: "CAP", quantity: 1 }] },
        { number: "#FB2", email: "fuzz@example.com", lines: [{ sku: "CAP", quantity: 2 }] },
      ],
    },
  },
  { path: "/api/v1/orders/F0/cancel", valid: { skus: ["CAP"], reason: "fuzz" } },
  { path: "/api/v1/stock", valid: { levels: [{ sku: "CAP", onHand: 3 }] } },
  {
    path: "/api/v1/purchase-orders",
    valid: { reference: "PO-F", supplier: "Maker", expectedDate: "2030-01-01", lines: [{ sku: "CAP", quantity: 2 }] },
  },
  { path: "/api/v1/purchase-orders/PO-0/expected-date", valid: { expectedDate: "2030-02-01", note: "late" } },
  { path: "/api/v1/purchase-orders/PO-0/cancel", valid: {} },
  { path: "/api/v1/purchase-orders/PO-0/receipts", valid: { lines: [{ sku: "CAP", quantity: 1 }] } },
  {
    path: "/api/v1/shipments",
    valid: { orderNumber: "#F0", carrier: "UPS", trackingNumber: "1Z", lines: [{ sku: "CAP", quantity: 1 }] },
  },
  { path: "/lookup", valid: { number: "#F0", email: "fuzz@example.com" } },
];

beforeAll(async () => {
  database = await useFreshDatabase();
  const m = await createMerchant(database.db, { slug: "fuzz-shop" });
  await createSku(database.db, m.id, { code: "CAP", onHand: 0 });
  await placeOrder(database.db, m.id, "#F0", [{ sku: "CAP", quantity: 2 }], day(0), "fuzz@example.com");
  await createPo(database.db, m.id, "PO-0", "2030-01-10", [{ sku: "CAP", quantity: 5 }], day(0));
  key = (await createApiKey(database.db, { merchantSlug: "fuzz-shop", name: "fuzz" })).key;
  server = await serveRoutes(await appRoutes("api/v1", "lookup"));
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

/** Every table, but the API key's last-used time (a refused request may still be an authenticated one). */
const footprint = () => everyTable(database.db, ["api_keys", "rate_limits"]);

describe("hostile input at volume", () => {
  it("never answers 500, and a refused request changes nothing", async () => {
    const runs = Number(process.env.FUZZ_RUNS ?? 25);
    for (const endpoint of endpoints) {
      await fc.assert(
        fc.asyncProperty(fc.oneof(mutate(endpoint.valid), hostile), fc.boolean(), async (body, asText) => {
          const before = await footprint();
          const payload = asText && typeof body === "string" ? body : hostileJson(body);
          const response = await fetch(`${server.url}${endpoint.path}`, {
            method: "POST",
            headers: { authorization: `Bearer ${key}`, "content-type": "application/json", accept: "application/json" },
            body: payload,
          });
          const text = await response.text();
          expect(response.status, `${endpoint.path} answered ${response.status}: ${text.slice(0, 200)}`).toBeLessThan(
            500,
          );
          if (response.status >= 400) expect(await footprint()).toEqual(before);
          if (response.status >= 400) expect(text).not.toMatch(/at \w+ \(|node_modules|DrizzleQueryError|stack/);
        }),
        { numRuns: runs },
      );
    }
  }, 300_000);
});
