import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { rows } from "@/lib/db/client";
import { orderLines, orders } from "@/lib/db/schema/orders";
import { apiTestbed } from "@/testing/api";
import { onPostgres } from "@/testing/db";

const api = apiTestbed({ a: "shop-a", b: "shop-b" }, [
  { code: "TEE", onHand: 1 },
  { code: "CAP", onHand: 0 },
]);

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${api.url}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}
const as = (key: string) => ({ authorization: `Bearer ${key}` });

/** Everything a request could have written. */
async function footprint() {
  const [counts] = await rows<{
    o: number;
    l: number;
    e: number;
    a: number;
    p: number;
    s: number;
    i: number;
    c: number;
    h: number;
  }>(
    api.db,
    sql`select (select count(*)::int from orders) o, (select count(*)::int from order_lines) l, (select count(*)::int from eta_events) e,
               (select count(*)::int from audit_log) a, (select count(*)::int from purchase_orders) p, (select count(*)::int from shipments) s,
               (select count(*)::int from idempotency_keys) i, (select count(*)::int from customers) c, (select coalesce(sum(on_hand), 0)::int from skus) h`,
  );
  return counts!;
}

const order = (number: string, lines = [{ sku: "CAP", quantity: 2 }]) => ({
  number,
  email: "Pat@Example.com",
  customerName: "Pat",
  lines,
});

describe("ingest API v1 over HTTP", () => {
  it("refuses a missing, malformed or unknown key with 401 and writes nothing", async () => {
    const before = await footprint();
    for (const headers of [
      {},
      { authorization: "Basic abc" },
      as("bo_live_not-a-real-key"),
      { authorization: `Bearer ${api.keys.a}x` },
    ]) {
      const response = await call("POST", "/orders", order("#401"), headers);
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe("unauthorized");
      expect(response.headers.get("www-authenticate")).toBe("Bearer");
    }
    expect((await call("GET", "/orders/401")).status).toBe(401);
    expect(await footprint()).toEqual(before);
  });

  it("creates an order with backordered lines and honest ETAs, then follows a PO, a slip, a receipt and a shipment", async () => {
    const created = await call(
      "POST",
      "/orders",
      order("#1001", [
        { sku: "TEE", quantity: 1 },
        { sku: "CAP", quantity: 2 },
      ]),
      as(api.keys.a),
    );
    expect(created.status).toBe(201);
    expect(
      created.body.lines.map((l: { sku: string; status: string; basis: string }) => [l.sku, l.status, l.basis]),
    ).toEqual([
      ["TEE", "ready", "stock"],
      ["CAP", "backordered", "unknown"],
    ]);
    const [stored] = await api.db.select().from(orders).where(eq(orders.number, "#1001"));
    expect(stored!.email).toBe("pat@example.com");

    const po = await call(
      "POST",
      "/purchase-orders",
      { reference: "PO-9", supplier: "Maker", expectedDate: "2030-01-10", lines: [{ sku: "CAP", quantity: 5 }] },
      as(api.keys.a),
    );
    expect(po.status).toBe(201);
    expect(po.body.linesRedated).toBe(1);
    const slip = await call(
      "POST",
      "/purchase-orders/PO-9/expected-date",
      { expectedDate: "2030-01-20", note: "Late fabric" },
      as(api.keys.a),
    );
    expect(slip.body).toMatchObject({ linesRedated: 1 });
    let view = await call("GET", "/orders/1001", undefined, as(api.keys.a));
    expect(view.body.lines[1]).toMatchObject({ sku: "CAP", basis: "po", shipWindow: { start: "2030-01-21" } });

    expect(
      (await call("POST", "/purchase-orders/PO-9/receipts", { lines: [{ sku: "CAP", quantity: 2 }] }, as(api.keys.a)))
        .status,
    ).toBe(200);
    const shipped = await call(
      "POST",
      "/shipments",
      {
        orderNumber: "1001",
        carrier: "UPS",
        trackingNumber: "1Z1",
        trackingUrl: "https://ups.example/1Z1",
        externalId: "ship-1",
        lines: [
          { sku: "TEE", quantity: 1 },
          { sku: "CAP", quantity: 2 },
        ],
      },
      as(api.keys.a),
    );
    expect(shipped.status).toBe(201);
    const again = await call(
      "POST",
      "/shipments",
      { orderNumber: "1001", externalId: "ship-1", lines: [{ sku: "TEE", quantity: 1 }] },
      as(api.keys.a),
    );
    expect(again.body).toEqual({ shipmentId: shipped.body.shipmentId, created: false });
    view = await call("GET", "/orders/%231001", undefined, as(api.keys.a));
    expect(view.body.lines.map((l: { status: string }) => l.status)).toEqual(["shipped", "shipped"]);
  });

  it("keeps merchants apart: merchant A's key cannot read or change merchant B's data", async () => {
    expect((await call("POST", "/orders", order("#B-1"), as(api.keys.b))).status).toBe(201);
    expect(
      (
        await call(
          "POST",
          "/purchase-orders",
          { reference: "PO-B", supplier: "Maker", expectedDate: "2030-02-01", lines: [{ sku: "CAP", quantity: 3 }] },
          as(api.keys.b),
        )
      ).status,
    ).toBe(201);
    const before = await footprint();
    expect((await call("GET", "/orders/B-1", undefined, as(api.keys.a))).status).toBe(404);
    expect((await call("POST", "/orders/B-1/cancel", {}, as(api.keys.a))).status).toBe(404);
    expect(
      (await call("POST", "/shipments", { orderNumber: "B-1", lines: [{ sku: "CAP", quantity: 1 }] }, as(api.keys.a)))
        .status,
    ).toBe(404);
    expect(
      (await call("POST", "/purchase-orders/PO-B/expected-date", { expectedDate: "2031-01-01" }, as(api.keys.a)))
        .status,
    ).toBe(404);
    expect((await call("POST", "/purchase-orders/PO-B/cancel", {}, as(api.keys.a))).status).toBe(404);
    expect(
      (await call("POST", "/purchase-orders/PO-B/receipts", { lines: [{ sku: "CAP", quantity: 1 }] }, as(api.keys.a)))
        .status,
    ).toBe(404);
    expect(await footprint()).toEqual(before);
    // Same order number at A is a different order.
    expect((await call("POST", "/orders", order("#B-1"), as(api.keys.a))).status).toBe(201);
    const lines = await api.db
      .select()
      .from(orderLines)
      .innerJoin(orders, eq(orders.id, orderLines.orderId))
      .where(eq(orders.number, "#B-1"));
    expect(new Set(lines.map((l) => l.orders.merchantId)).size).toBe(2);
  });

  it("answers malformed input with a 4xx naming the problem, and writes nothing", async () => {
    const before = await footprint();
    const cases: [string, string, unknown, number, string][] = [
      ["POST", "/orders", { ...order("#500"), lines: [{ sku: "CAP", quantity: "two" }] }, 422, "lines[0].quantity"],
      ["POST", "/orders", { ...order("#501"), lines: [{ sku: "CAP", quantity: -3 }] }, 422, "lines[0].quantity"],
      [
        "POST",
        "/orders",
        {
          ...order("#502"),
          lines: [
            { sku: "CAP", quantity: 1 },
            { sku: "NOPE", quantity: 1 },
          ],
        },
        422,
        "lines[1].sku",
      ],
      ["POST", "/orders", { ...order("#503"), email: "not an email" }, 422, "email"],
      ["POST", "/orders", { ...order("#504"), placedAt: "yesterday-ish" }, 422, "placedAt"],
      ["POST", "/orders", { ...order("#505"), lines: [] }, 422, "lines"],
      ["POST", "/orders", { ...order("#506"), surprise: true }, 422, "surprise"],
      [
        "POST",
        "/orders",
        { ...order("#507"), lines: [{ sku: "CAP", quantity: 1, colour: "red" }] },
        422,
        "lines[0].colour",
      ],
      [
        "POST",
        "/purchase-orders",
        { reference: "PO-X", supplier: "S", expectedDate: "2030-02-30", lines: [{ sku: "CAP", quantity: 1 }] },
        422,
        "expectedDate",
      ],
      [
        "POST",
        "/purchase-orders",
        { reference: "PO-X", supplier: "S", expectedDate: "soon", lines: [{ sku: "CAP", quantity: 1 }] },
        422,
        "expectedDate",
      ],
      ["POST", "/stock", { levels: [{ sku: "CAP", onHand: -1 }] }, 422, "levels[0].onHand"],
      [
        "POST",
        "/stock",
        {
          levels: [
            { sku: "CAP", onHand: 5 },
            { sku: "GHOST", onHand: 1 },
          ],
        },
        422,
        "levels[1].sku",
      ],
      ["POST", "/shipments", { orderNumber: "#1001", lines: [{ sku: "TEE", quantity: 1 }] }, 409, "lines[0].quantity"],
      ["POST", "/shipments", { orderNumber: "#nope", lines: [{ sku: "TEE", quantity: 1 }] }, 404, "orderNumber"],
      ["POST", "/purchase-orders/PO-9/receipts", { lines: [{ sku: "CAP", quantity: 99 }] }, 409, "lines[0].quantity"],
    ];
    for (const [method, path, body, status, field] of cases) {
      const response = await call(method, path, body, as(api.keys.a));
      expect([path, response.status, response.body.error.field], JSON.stringify(body)).toEqual([path, status, field]);
      expect(response.body.error.message.length).toBeGreaterThan(5);
    }
    const garbage = await call("POST", "/orders", "{not json", as(api.keys.a));
    expect(garbage.status).toBe(400);
    expect(garbage.body.error.code).toBe("bad_json");
    const huge = await call(
      "POST",
      "/orders",
      { ...order("#507"), customerName: "x".repeat(2_000_000) },
      as(api.keys.a),
    );
    expect(huge.status).toBe(413);
    expect(huge.body.error.message).toContain("larger than 1 MB");
    expect(await footprint()).toEqual(before);
  });

  it("honours Idempotency-Key: the same POST twice has one effect and the same answer", async () => {
    const before = await footprint();
    const headers = { ...as(api.keys.a), "idempotency-key": "order-700-attempt" };
    const first = await call("POST", "/orders", order("#700"), headers);
    const second = await call("POST", "/orders", order("#700"), headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    const after = await footprint();
    expect(after!.o - before!.o).toBe(1);
    expect(after!.a - before!.a).toBe(1);

    const reused = await call("POST", "/orders", order("#701"), headers);
    expect(reused.status).toBe(422);
    expect(reused.body.error.field).toBe("Idempotency-Key");
    expect(await footprint()).toEqual(after);
  });

  it.runIf(onPostgres)("gives ten concurrent retries with one Idempotency-Key exactly one effect", async () => {
    const before = await footprint();
    const headers = { ...as(api.keys.a), "idempotency-key": "receipt-concurrent" };
    await call(
      "POST",
      "/purchase-orders",
      { reference: "PO-C", supplier: "Maker", expectedDate: "2030-03-01", lines: [{ sku: "TEE", quantity: 50 }] },
      as(api.keys.a),
    );
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        call("POST", "/purchase-orders/PO-C/receipts", { lines: [{ sku: "TEE", quantity: 5 }] }, headers),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    const after = await footprint();
    expect(after!.h - before!.h).toBe(5);
  });

  it("publishes an OpenAPI document generated from the same schemas", async () => {
    const response = await fetch(`${api.url}/api/v1/openapi.json`);
    const document = await response.json();
    expect(document.openapi).toBe("3.1.0");
    const orderBody = document.paths["/orders"].post.requestBody.content["application/json"].schema;
    expect(orderBody.required).toEqual(expect.arrayContaining(["number", "email", "lines"]));
    expect(orderBody.properties.lines.items.properties.quantity).toMatchObject({
      type: "integer",
      exclusiveMinimum: 0,
    });
    expect(Object.keys(document.paths)).toHaveLength(16);
    const skuBody = document.paths["/skus"].post.requestBody.content["application/json"].schema;
    expect(skuBody.properties.skus.items.properties.imageUrl.anyOf[0]).toMatchObject({ type: "string", format: "uri" });
    expect(Object.keys(document.paths["/settings/notifications"]).sort()).toEqual(["get", "patch"]);
  });
});
