import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { createApiKey } from "@/lib/api/keys";
import { rows } from "@/lib/db/client";
import { useFreshDatabase, type TestDatabase } from "@/lib/testing/db";
import { createMerchant, createPo, createSku, day, placeOrder } from "@/lib/testing/fixtures";
import { serveRoutes } from "@/lib/testing/http";
import * as orderRoute from "./orders/route";
import * as orderCancel from "./orders/[number]/cancel/route";
import * as stock from "./stock/route";
import * as purchaseOrders from "./purchase-orders/route";
import * as expectedDate from "./purchase-orders/[reference]/expected-date/route";
import * as poCancel from "./purchase-orders/[reference]/cancel/route";
import * as receipts from "./purchase-orders/[reference]/receipts/route";
import * as shipments from "./shipments/route";
import { POST as lookup } from "../../lookup/route";

// Hostile input at volume against every POST of the ingest API (and the order lookup): never a
// 500, and a rejected request changes nothing.

let database: TestDatabase;
let server: { url: string; close: () => Promise<void> };
let key: string;

const hostile = fc.oneof(
  fc.constantFrom(
    "'; drop table orders; --",
    "\" or 1=1 --",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "${7*7}{{7*7}}",
    "\u0000",
    "\ud800",
    "👩‍👩‍👧‍👦".repeat(50),
    "x".repeat(300_000),
    "NaN",
    "-1",
    "1e309",
    "2026-02-30",
    "../../etc/passwd",
    "%00%27",
  ),
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.NaN, -1, -0, 1e308, Number.MAX_SAFE_INTEGER + 2, 0.5),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.anything(), { maxKeys: 3 }),
  fc.letrec((tie) => ({ deep: fc.oneof({ depthSize: "small" }, fc.constant(1), fc.array(tie("deep"), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 2 }), tie("deep"), { maxKeys: 2 })) })).deep,
);

/** A valid body with one field (at any depth) replaced by something hostile, or removed. */
function mutate(valid: unknown): fc.Arbitrary<unknown> {
  const paths: (string | number)[][] = [];
  const walk = (value: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  walk(valid, []);
  return fc.tuple(fc.constantFrom(...paths), hostile, fc.boolean()).map(([path, value, remove]) => {
    if (path.length === 0) return value;
    const copy = structuredClone(valid) as Record<string | number, unknown>;
    let target = copy;
    for (const part of path.slice(0, -1)) target = target[part] as Record<string | number, unknown>;
    if (remove) delete target[path.at(-1)!];
    else target[path.at(-1)!] = value;
    return copy;
  });
}

const endpoints: { path: string; valid: unknown }[] = [
  { path: "/api/v1/orders", valid: { number: "#F1", email: "fuzz@example.com", customerName: "Fuzz", lines: [{ sku: "CAP", quantity: 1 }] } },
  { path: "/api/v1/orders/F0/cancel", valid: { skus: ["CAP"], reason: "fuzz" } },
  { path: "/api/v1/stock", valid: { levels: [{ sku: "CAP", onHand: 3 }] } },
  { path: "/api/v1/purchase-orders", valid: { reference: "PO-F", supplier: "Maker", expectedDate: "2030-01-01", lines: [{ sku: "CAP", quantity: 2 }] } },
  { path: "/api/v1/purchase-orders/PO-0/expected-date", valid: { expectedDate: "2030-02-01", note: "late" } },
  { path: "/api/v1/purchase-orders/PO-0/cancel", valid: {} },
  { path: "/api/v1/purchase-orders/PO-0/receipts", valid: { lines: [{ sku: "CAP", quantity: 1 }] } },
  { path: "/api/v1/shipments", valid: { orderNumber: "#F0", carrier: "UPS", trackingNumber: "1Z", lines: [{ sku: "CAP", quantity: 1 }] } },
  { path: "/lookup", valid: { number: "#F0", email: "fuzz@example.com" } },
];

beforeAll(async () => {
  database = await useFreshDatabase();
  const m = await createMerchant(database.db, { slug: "fuzz-shop" });
  await createSku(database.db, m.id, { code: "CAP", onHand: 0 });
  await placeOrder(database.db, m.id, "#F0", [{ sku: "CAP", quantity: 2 }], day(0), "fuzz@example.com");
  await createPo(database.db, m.id, "PO-0", "2030-01-10", [{ sku: "CAP", quantity: 5 }], day(0));
  key = (await createApiKey(database.db, { merchantSlug: "fuzz-shop", name: "fuzz" })).key;
  server = await serveRoutes([
    { method: "POST", path: "/api/v1/orders", handler: orderRoute.POST },
    { method: "POST", path: "/api/v1/orders/:number/cancel", handler: orderCancel.POST },
    { method: "POST", path: "/api/v1/stock", handler: stock.POST },
    { method: "POST", path: "/api/v1/purchase-orders", handler: purchaseOrders.POST },
    { method: "POST", path: "/api/v1/purchase-orders/:reference/expected-date", handler: expectedDate.POST },
    { method: "POST", path: "/api/v1/purchase-orders/:reference/cancel", handler: poCancel.POST },
    { method: "POST", path: "/api/v1/purchase-orders/:reference/receipts", handler: receipts.POST },
    { method: "POST", path: "/api/v1/shipments", handler: shipments.POST },
    { method: "POST", path: "/lookup", handler: lookup },
  ]);
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

/** Every table a request could write, as counts and a checksum of the rows that matter. */
async function footprint() {
  const [state] = await rows(
    database.db,
    sql`select (select count(*) from orders) as orders, (select count(*) from order_lines) as lines,
               (select md5(string_agg(l.id || ':' || l.status || ':' || l.allocated_quantity || ':' || l.cancelled_quantity || ':' || l.shipped_quantity || ':' || coalesce(l.ship_end::text, '-'), ',' order by l.id)) from order_lines l) as line_state,
               (select md5(string_agg(s.code || ':' || s.on_hand || ':' || s.allocated, ',' order by s.code)) from skus s) as stock,
               (select md5(string_agg(p.reference || ':' || p.status || ':' || p.expected_date, ',' order by p.reference)) from purchase_orders p) as pos,
               (select count(*) from eta_events) as events, (select count(*) from audit_log) as audit, (select count(*) from shipments) as shipments,
               (select count(*) from notifications) as notifications, (select count(*) from domain_events) as domain_events`,
  );
  return state;
}

describe("hostile input at volume", () => {
  it("never answers 500, and a refused request changes nothing", async () => {
    const runs = Number(process.env.FUZZ_RUNS ?? 25);
    for (const endpoint of endpoints) {
      await fc.assert(
        fc.asyncProperty(fc.oneof(mutate(endpoint.valid), hostile), fc.boolean(), async (body, asText) => {
          const before = await footprint();
          let payload: string;
          try {
            payload = asText && typeof body === "string" ? body : JSON.stringify(body) ?? "null";
          } catch {
            payload = String(body);
          }
          const response = await fetch(`${server.url}${endpoint.path}`, {
            method: "POST",
            headers: { authorization: `Bearer ${key}`, "content-type": "application/json", accept: "application/json" },
            body: payload,
          });
          const text = await response.text();
          expect(response.status, `${endpoint.path} answered ${response.status}: ${text.slice(0, 200)}`).toBeLessThan(500);
          if (response.status >= 400 && endpoint.path !== "/lookup") expect(await footprint()).toEqual(before);
          if (response.status >= 400) expect(text).not.toMatch(/at \w+ \(|node_modules|DrizzleQueryError|stack/);
        }),
        { numRuns: runs },
      );
    }
  }, 300_000);
});
