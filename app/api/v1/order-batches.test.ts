import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rows } from "@/lib/db/client";
import { apiTestbed } from "@/testing/api";
import { onPostgres } from "@/testing/db";

// POST /api/v1/order-batches against POST /api/v1/orders: a batch must leave each merchant's data
// exactly as the same orders sent one by one would, and a refused batch must leave nothing.

// "batch" and "single" are twins; "other" is someone else's shop with the same SKU codes.
const api = apiTestbed({ batch: "batch", single: "single", other: "other", race: "race" }, [
  { code: "TEE", onHand: 3 },
  { code: "CAP", onHand: 0 },
  { code: "MUG", onHand: 1, policy: "deny" },
  { code: "BOOK", policy: "preorder", releaseDate: "2099-01-01" },
]);
const { keys, merchantIds }: { keys: Record<string, string>; merchantIds: Record<string, string> } = api;

async function call(path: string, body: unknown, key: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${api.url}/api/v1${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

/** One merchant's orders, lines, events, emails and audit rows, without ids or times. */
async function state(slug: string) {
  const m = merchantIds[slug]!;
  return {
    lines: await rows(
      api.db,
      sql`select o.number, o.email, o.customer_name, o.channel, o.closed_at is null as open, l.sku_code, l.quantity, l.allocated_quantity,
                 l.status, l.accepted_on_deny, l.ship_start::text, l.ship_end::text, l.eta_basis, l.queue_position, l.lines_ahead
          from order_lines l join orders o on o.id = l.order_id where o.merchant_id = ${m} order by o.number, l.sku_code`,
    ),
    customers: await rows(api.db, sql`select email, name from customers where merchant_id = ${m} order by email`),
    stock: await rows(api.db, sql`select code, on_hand, allocated from skus where merchant_id = ${m} order by code`),
    etaEvents: await rows(
      api.db,
      sql`select o.number, l.sku_code, e.reason, e.new_ship_start::text, e.new_ship_end::text from eta_events e
          join order_lines l on l.id = e.order_line_id join orders o on o.id = l.order_id
          where e.merchant_id = ${m} order by o.number, l.sku_code, e.id`,
    ),
    events: await rows(
      api.db,
      sql`select o.number, d.type, d.payload from domain_events d join orders o on o.id = d.order_id
          where d.merchant_id = ${m} order by o.number, d.id`,
    ),
    emails: await rows(
      api.db,
      sql`select o.number, n.kind, n.email, n.payload -> 'lines' as lines, n.payload -> 'inStock' as in_stock from notifications n
          join orders o on o.id = n.order_id where n.merchant_id = ${m} order by o.number, n.id`,
    ),
    audit: await rows(
      api.db,
      sql`select action, after ->> 'number' as number, after -> 'lines' as lines from audit_log where merchant_id = ${m} and entity_type = 'order' order by after ->> 'number', id`,
    ),
  };
}

/** Strips line ids from audit snapshots and email payloads, which differ between twins. */
function withoutIds<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v) => (key === "id" || key === "lineId" ? undefined : v)));
}

const footprint = async () =>
  (
    await rows<{ o: number; l: number; c: number; n: number; a: number; d: number; e: number; k: number }>(
      api.db,
      sql`select (select count(*)::int from orders) o, (select count(*)::int from order_lines) l, (select count(*)::int from customers) c,
                 (select count(*)::int from notifications) n, (select count(*)::int from audit_log) a, (select count(*)::int from domain_events) d,
                 (select count(*)::int from eta_events) e, (select coalesce(sum(allocated), 0)::int from skus) k`,
    )
  )[0];

const orders = [
  // A new order naming its customer, then an existing one of the same email naming her again: the
  // last name given wins, whichever kind of order gave it.
  { number: "#0", email: "ann@example.com", customerName: "A. Lee", lines: [{ sku: "BOOK", quantity: 1 }] },
  // An existing order (sent before the batch) that the batch changes: one more TEE, a CAP added.
  {
    number: "#1",
    email: "Ann@Example.com",
    customerName: "Ann",
    lines: [
      { sku: "TEE", quantity: 2 },
      { sku: "CAP", quantity: 1 },
    ],
  },
  {
    number: "#2",
    email: "bo@example.com",
    lines: [
      { sku: "TEE", quantity: 2 },
      { sku: "MUG", quantity: 2 },
    ],
  },
  {
    number: "#3",
    email: "ann@example.com",
    channel: "web" as const,
    lines: [
      { sku: "CAP", quantity: 3 },
      { sku: "BOOK", quantity: 1 },
    ],
  },
  {
    number: "#4",
    email: "cy@example.com",
    externalId: "shop-4",
    shippingAddress: { city: "Leeds", country: "GB" },
    lines: [{ sku: "TEE", quantity: 1 }],
  },
];

describe("POST /api/v1/order-batches", () => {
  it("leaves every order, line, window, email, event and audit row as the same orders sent one by one", async () => {
    for (const slug of ["batch", "single"]) {
      expect(
        (
          await call(
            "/purchase-orders",
            { reference: "PO-1", supplier: "Maker", expectedDate: "2030-01-10", lines: [{ sku: "CAP", quantity: 2 }] },
            keys[slug]!,
          )
        ).status,
      ).toBe(201);
      expect((await call("/orders", { ...orders[1], lines: [{ sku: "TEE", quantity: 1 }] }, keys[slug]!)).status).toBe(
        201,
      );
    }
    const batch = await call("/order-batches", { orders }, keys.batch!);
    expect(batch.status).toBe(200);
    const single = [];
    for (const order of orders) single.push(await call("/orders", order, keys.single!));
    expect(single.map((s) => s.status)).toEqual([201, 200, 201, 201, 201]);

    // The same answers, order by order (ids aside).
    expect(withoutIds(batch.body.orders.map(({ orderId: _, ...rest }: { orderId: string }) => rest))).toEqual(
      withoutIds(single.map((s) => ({ ...s.body, orderId: undefined }))).map(
        ({ orderId: _, ...rest }: { orderId?: string }) => rest,
      ),
    );
    expect(batch.body.orders.map((o: { number: string; created: boolean }) => [o.number, o.created])).toEqual([
      ["#0", true],
      ["#1", false],
      ["#2", true],
      ["#3", true],
      ["#4", true],
    ]);
    const [batchState, singleState] = [await state("batch"), await state("single")];
    expect(withoutIds(batchState)).toEqual(withoutIds(singleState));
    // It did something worth comparing: stock promised, a queue on a PO, a deny line flagged, a pre-order, the name kept per email.
    expect(batchState.lines).toContainEqual(
      expect.objectContaining({ number: "#2", sku_code: "MUG", status: "backordered", accepted_on_deny: true }),
    );
    expect(batchState.lines).toContainEqual(
      expect.objectContaining({ number: "#3", sku_code: "BOOK", status: "preorder" }),
    );
    expect(batchState.lines).toContainEqual(
      expect.objectContaining({ number: "#1", sku_code: "CAP", eta_basis: "po" }),
    );
    expect(batchState.customers).toContainEqual({ email: "ann@example.com", name: "Ann" });
    expect(batchState.emails.filter((e) => e.kind === "backordered").map((e) => e.number)).toEqual([
      "#0",
      "#1",
      "#2",
      "#3",
      "#4",
    ]);
  });

  it("gives free stock first come first served by order time across the batch", async () => {
    const early = "2026-01-01T09:00:00Z";
    const late = "2026-01-01T10:00:00Z";
    const result = await call(
      "/order-batches",
      {
        orders: [
          { number: "#late", email: "l@example.com", placedAt: late, lines: [{ sku: "TEE", quantity: 3 }] },
          { number: "#early", email: "e@example.com", placedAt: early, lines: [{ sku: "TEE", quantity: 3 }] },
        ],
      },
      keys.other!,
    );
    expect(result.status).toBe(200);
    expect(
      result.body.orders.map((o: { number: string; lines: { status: string }[] }) => [o.number, o.lines[0]!.status]),
    ).toEqual([
      ["#late", "backordered"],
      ["#early", "ready"],
    ]);
  });

  it("refuses a batch with one bad order, naming it, and writes nothing", async () => {
    const before = await footprint();
    const tee = { sku: "TEE", quantity: 1 };
    const good = { number: "#g", email: "g@example.com", lines: [tee] };
    /** The good order, then a second one, #h unless the case says otherwise, with the case's changes. */
    const second = (changes: object) => ({ orders: [good, { ...good, number: "#h", ...changes }] });
    const cases: [unknown, number, string][] = [
      [
        { orders: [good, good, { ...good, number: "#h", lines: [{ sku: "NOPE", quantity: 1 }] }] },
        422,
        "orders[1].number",
      ],
      [second({ lines: [tee, { sku: "NOPE", quantity: 1 }] }), 422, "orders[1].lines[1].sku"],
      [second({ lines: [tee, { sku: "TEE", quantity: 2 }] }), 422, "orders[1].lines[1].sku"],
      [
        {
          orders: [
            { ...good, externalId: "x" },
            { ...good, number: "#h", externalId: "x" },
          ],
        },
        422,
        "orders[1].externalId",
      ],
      // Order #4 has this external id already (the first test): a conflict, not a failed insert.
      [second({ externalId: "shop-4" }), 409, "orders[1].externalId"],
      [second({ currency: "EUR" }), 422, "orders[1].lines[0].unitPriceMinor"],
      [
        second({ number: "#1", lines: [tee, { sku: "CAP", quantity: 1 }], currency: "EUR" }),
        422,
        "orders[1].lines[0].unitPriceMinor",
      ],
      [second({ lines: [{ sku: "TEE", quantity: 0 }] }), 422, "orders[1].lines[0].quantity"],
      [{ orders: [] }, 422, "orders"],
      [{ orders: Array.from({ length: 101 }, (_, i) => ({ ...good, number: `#${i}` })) }, 422, "orders"],
      [{ orders: [good], extra: 1 }, 422, "extra"],
    ];
    for (const [body, status, field] of cases) {
      const response = await call("/order-batches", body, keys.batch!);
      expect([response.status, response.body.error.field], JSON.stringify(body).slice(0, 200)).toEqual([status, field]);
      expect(response.body.error.message.length).toBeGreaterThan(5);
    }
    // An existing order's quantity below what already shipped is refused for the whole batch, after
    // an earlier order of the batch was already changed: all or none.
    await api.db
      .execute(sql`update order_lines set shipped_quantity = quantity, allocated_quantity = 0, status = 'shipped'
      where sku_code = 'TEE' and order_id = (select id from orders where merchant_id = ${merchantIds.batch!} and number = '#1')`);
    const shippedBefore = await footprint();
    const stateBefore = await state("batch");
    const tooFew = await call(
      "/order-batches",
      {
        orders: [
          {
            ...orders[2],
            lines: [
              { sku: "TEE", quantity: 5 },
              { sku: "MUG", quantity: 2 },
            ],
          },
          good,
          {
            ...orders[1],
            lines: [
              { sku: "TEE", quantity: 1 },
              { sku: "CAP", quantity: 1 },
            ],
          },
        ],
      },
      keys.batch!,
    );
    expect([tooFew.status, tooFew.body.error.field]).toEqual([409, "orders[2].lines[0].quantity"]);
    expect(await footprint()).toEqual(shippedBefore);
    expect(await state("batch")).toEqual(stateBefore);
    expect({ ...shippedBefore, k: before!.k }).toEqual(before);
  });

  it("keeps merchants apart: the same numbers under another key are that merchant's own orders", async () => {
    const before = await state("batch");
    const other = await call("/order-batches", { orders: orders.slice(2) }, keys.other!);
    expect(other.status).toBe(200);
    expect(other.body.orders.every((o: { created: boolean }) => o.created)).toBe(true);
    expect(await state("batch")).toEqual(before);
  });

  it("honours Idempotency-Key: the same batch twice has one effect and the same answer", async () => {
    const before = await footprint();
    const headers = { "idempotency-key": "batch-1" };
    const body = {
      orders: [
        { number: "#i1", email: "i@example.com", lines: [{ sku: "CAP", quantity: 1 }] },
        { number: "#i2", email: "i@example.com", lines: [{ sku: "CAP", quantity: 1 }] },
      ],
    };
    const first = await call("/order-batches", body, keys.batch!, headers);
    const second = await call("/order-batches", body, keys.batch!, headers);
    expect(first.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    const after = await footprint();
    expect([after!.o - before!.o, after!.l - before!.l, after!.n - before!.n]).toEqual([2, 2, 2]);
  });

  it.runIf(onPostgres)(
    "creates a new number once when two requests race for it: the loser runs again and updates it",
    async () => {
      // Different SKUs, so the requests do not queue on the same SKU locks and both try to insert the order.
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, k) => [
          call(
            "/orders",
            { number: `#dup${k}`, email: "d@example.com", lines: [{ sku: "BOOK", quantity: 1 }] },
            keys.other!,
          ),
          call(
            "/order-batches",
            { orders: [{ number: `#dup${k}`, email: "d@example.com", lines: [{ sku: "CAP", quantity: 1 }] }] },
            keys.other!,
          ),
        ]).flat(),
      );
      expect(answers.every((a) => a.status === 200 || a.status === 201)).toBe(true);
      // Exactly one of each pair created the order.
      const created = answers.map((a) => (a.body.orders ? a.body.orders[0].created : a.body.created));
      expect(Array.from({ length: 6 }, (_, k) => [created[2 * k], created[2 * k + 1]].filter(Boolean).length)).toEqual(
        Array(6).fill(1),
      );
      const orders = await rows<{ number: string; lines: number }>(
        api.db,
        sql`select o.number, count(l.id)::int as lines from orders o join order_lines l on l.order_id = o.id
          where o.merchant_id = ${merchantIds.other!} and o.number like '#dup%' group by o.number order by o.number`,
      );
      expect(orders).toEqual(Array.from({ length: 6 }, (_, k) => ({ number: `#dup${k}`, lines: 2 })));
    },
  );

  it.runIf(onPostgres)(
    "lets concurrent batches for the last units share them first come first served, never more than there are",
    async () => {
      // 3 TEE on hand; 8 batches of 5 orders at once, each order wanting one TEE and placed at its own time.
      const base = Date.parse("2026-02-01T00:00:00Z");
      const batches = Array.from({ length: 8 }, (_, b) => ({
        orders: Array.from({ length: 5 }, (_, k) => ({
          number: `#r${b}-${k}`,
          email: `r${b}@example.com`,
          placedAt: new Date(base + (k * 8 + b) * 60_000).toISOString(),
          lines: [
            { sku: "TEE", quantity: 1 },
            { sku: "CAP", quantity: 1 },
          ],
        })),
      }));
      const answers = await Promise.all(batches.map((body) => call("/order-batches", body, keys.race!)));
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
      const [tee] = await rows<{ on_hand: number; allocated: number; promised: number }>(
        api.db,
        sql`select s.on_hand, s.allocated, (select coalesce(sum(allocated_quantity), 0)::int from order_lines where sku_id = s.id) as promised
          from skus s where s.merchant_id = ${merchantIds.race!} and s.code = 'TEE'`,
      );
      expect(tee).toEqual({ on_hand: 3, allocated: 3, promised: 3 });
      // Stock promised when a batch committed stays promised; every other line waits in one queue,
      // positions 0, 1, 2… by order time.
      const lines = await rows<{ queue_position: number; status: string; allocated_quantity: number }>(
        api.db,
        sql`select l.queue_position, l.status, l.allocated_quantity from order_lines l join orders o on o.id = l.order_id
          where l.merchant_id = ${merchantIds.race!} and l.sku_code = 'TEE' order by l.status = 'ready' desc, o.placed_at, l.id`,
      );
      expect(lines).toHaveLength(40);
      expect(lines.slice(0, 3).map((l) => [l.status, l.allocated_quantity])).toEqual(Array(3).fill(["ready", 1]));
      expect(lines.slice(3).map((l) => [l.status, l.allocated_quantity, l.queue_position])).toEqual(
        lines.slice(3).map((_, i) => ["backordered", 0, i]),
      );
    },
  );
});
