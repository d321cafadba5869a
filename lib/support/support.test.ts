import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { rows } from "../db/client";
import { orderLines, orders } from "../db/schema/orders";
import { changeExpectedDate } from "../supply/purchase-orders";
import { recordShipment } from "../orders/ship";
import { useFreshDatabase, type TestDatabase } from "../../testing/db";
import {
  apiActor,
  createMerchant,
  createPo,
  createSku,
  day,
  lineOf,
  receivePo,
  shipUnits,
  type placeOrder,
} from "../../testing/fixtures";
import { addAgent, agentScope, orderInScope, type AgentScope } from "./access";
import { auditEntries, auditFilters, backorderBoard, honestyFigures } from "./board";
import { addInternalNote, agentCancel, agentOrderView, agentOverrideEta, orderTimeline } from "./orders";
import { searchOrders } from "./search";

let database: TestDatabase;
let agentA: AgentScope;
let admin: AgentScope;
let shopA: { id: string };
let shopB: { id: string };
let orderA: Awaited<ReturnType<typeof placeOrder>>;
let orderB: Awaited<ReturnType<typeof placeOrder>>;

beforeAll(async () => {
  database = await useFreshDatabase();
  const { db } = database;
  shopA = await createMerchant(db, { slug: "shop-alpha", name: "Alpha" });
  shopB = await createMerchant(db, { slug: "shop-beta", name: "Beta" });
  for (const shop of [shopA, shopB]) {
    await createSku(db, shop.id, { code: "NW-HL400", onHand: 1 });
    await createSku(db, shop.id, { code: "NW-MUG", onHand: 0 });
  }
  orderA = await upsert(shopA.id, "#1042", "lea.moreau@example.com", "Léa Moreau", 0);
  orderB = await upsert(shopB.id, "#2042", "lea.brennan@example.com", "Léa Brennan", 0.5);
  await recordShipment(db, {
    merchantId: shopA.id,
    input: {
      orderNumber: "#1042",
      carrier: "UPS",
      trackingNumber: "1Z999AA10123456784",
      lines: [{ sku: "NW-HL400", quantity: 1 }],
    },
    actor: apiActor,
    now: day(1),
  });
  await recordShipment(db, {
    merchantId: shopB.id,
    input: {
      orderNumber: "#2042",
      carrier: "UPS",
      trackingNumber: "1Z999BB10123456784",
      lines: [{ sku: "NW-HL400", quantity: 1 }],
    },
    actor: apiActor,
    now: day(1),
  });
  await addAgent(db, { email: "jo@alpha.example", merchantSlug: "shop-alpha" });
  await addAgent(db, { email: "boss@3pl.example", all: true });
  agentA = (await agentScope(db, "jo@alpha.example"))!;
  admin = (await agentScope(db, "BOSS@3pl.example"))!;
});
afterAll(async () => {
  await database.close();
});

async function upsert(merchantId: string, number: string, email: string, name: string, at: number) {
  const { upsertOrder } = await import("../orders/intake");
  return upsertOrder(database.db, {
    merchantId,
    input: {
      number,
      email,
      customerName: name,
      lines: [
        { sku: "NW-HL400", quantity: 1 },
        { sku: "NW-MUG", quantity: 1 },
      ],
    },
    actor: apiActor,
    now: day(at),
  });
}

const numbers = async (scope: AgentScope, q: string) =>
  (await searchOrders(database.db, scope, q)).map((h) => h.number).sort();

describe("support search", () => {
  it("finds orders by number with or without #, email, partial accent-free name, SKU and tracking number", async () => {
    expect(await numbers(admin, "1042")).toEqual(["#1042"]);
    expect(await numbers(admin, "#104")).toEqual(["#1042"]);
    expect(await numbers(admin, "lea.mor")).toEqual(["#1042"]);
    expect(await numbers(admin, "lea")).toEqual(["#1042", "#2042"]);
    expect(await numbers(admin, "MOREAU")).toEqual(["#1042"]);
    expect(await numbers(admin, "lé mor")).toEqual(["#1042"]);
    expect(await numbers(admin, "bren lea")).toEqual(["#2042"]);
    expect(await numbers(admin, "nw-hl4")).toEqual(["#1042", "#2042"]);
    expect(await numbers(admin, "1Z999AA1")).toEqual(["#1042"]);
    expect(await numbers(admin, "x")).toEqual([]);
    expect(await numbers(admin, "%%")).toEqual([]);
  });

  it("never shows an agent another merchant's orders", async () => {
    for (const q of ["2042", "#2042", "lea.brennan", "Brennan", "NW-HL400", "1Z999BB1", "lea"]) {
      expect(
        (await numbers(agentA, q)).filter((n) => n === "#2042"),
        q,
      ).toEqual([]);
    }
    expect(await numbers(agentA, "lea")).toEqual(["#1042"]);
  });
});

describe("support authorization at the data level", () => {
  it("treats another merchant's order as missing, for reading and for every action", async () => {
    const { db } = database;
    expect(await orderInScope(db, agentA, orderB.orderId)).toBeNull();
    expect(await orderInScope(db, agentA, orderA.orderId)).not.toBeNull();
    await expect(agentOrderView(db, agentA, orderB.orderId)).rejects.toMatchObject({ code: "not_found" });
    const before = await rows(
      db,
      sql`select status, ship_start, eta_basis from order_lines where order_id = ${orderB.orderId} order by id`,
    );
    await expect(
      agentCancel(db, agentA, { orderId: orderB.orderId, lineId: orderB.lines[1]!.id, now: day(2) }),
    ).rejects.toMatchObject({ code: "not_found" });
    // The other shop's order, then its line smuggled in with one's own order id.
    for (const orderId of [orderB.orderId, orderA.orderId]) {
      await expect(
        agentOverrideEta(db, agentA, {
          orderId,
          lineId: orderB.lines[1]!.id,
          shipStart: "2026-12-20",
          shipEnd: "2026-12-22",
          note: "Because",
          now: day(2),
        }),
        orderId,
      ).rejects.toMatchObject({ code: "not_found" });
    }
    await expect(
      addInternalNote(db, agentA, { orderId: orderB.orderId, body: "peek", now: day(2) }),
    ).rejects.toMatchObject({ code: "not_found" });
    expect(
      await rows(
        db,
        sql`select status, ship_start, eta_basis from order_lines where order_id = ${orderB.orderId} order by id`,
      ),
    ).toEqual(before);
    expect(await rows(db, sql`select * from internal_notes`)).toEqual([]);
  });

  it("gives nobody without an agent row a scope", async () => {
    expect(await agentScope(database.db, "lea.moreau@example.com")).toBeNull();
    expect(await agentScope(database.db, null)).toBeNull();
  });
});

describe("acting for the shopper", () => {
  it("overrides an ETA with a note that lasts until a supply event changes the basis", async () => {
    const { db } = database;
    await createPo(db, shopA.id, "PO-A1", "2026-12-01", [{ sku: "NW-MUG", quantity: 5 }], day(2));
    const line = orderA.lines[1]!;
    await agentOverrideEta(db, agentA, {
      orderId: orderA.orderId,
      lineId: line.id,
      shipStart: "2026-12-10",
      shipEnd: "2026-12-12",
      note: "Supplier confirmed by phone",
      now: day(3),
    });
    let current = await lineOf(db, orderA, 1);
    expect(current).toMatchObject({
      etaBasis: "override",
      shipStart: "2026-12-10",
      shipEnd: "2026-12-12",
      etaOverrideNote: "Supplier confirmed by phone",
    });

    // A new order for the same SKU recomputes the queue but changes nothing this line rests on.
    await upsert(shopA.id, "#1043", "sam@example.com", "Sam", 4);
    current = await lineOf(db, orderA, 1);
    expect(current.etaBasis).toBe("override");

    // The supplier moves its date: a supply event, and the engine takes over again.
    await changeExpectedDate(db, {
      merchantId: shopA.id,
      reference: "PO-A1",
      expectedDate: "2026-12-04",
      actor: apiActor,
      now: day(5),
    });
    current = await lineOf(db, orderA, 1);
    expect(current.etaBasis).toBe("po");
    expect(current.etaOverrideNote).toBeNull();
    expect([current.shipStart, current.shipEnd]).toEqual(["2026-12-05", "2026-12-08"]);

    const timeline = await orderTimeline(db, orderA.orderId);
    expect(
      timeline.some(
        (t) => t.kind === "action" && t.title === "Ship date set by hand" && t.who === "Agent jo@alpha.example",
      ),
    ).toBe(true);
    // Dates and reasons in words, not "2026-12-05 – 2026-12-08" and "manual".
    expect(timeline).toContainEqual(
      expect.objectContaining({
        kind: "eta",
        title: expect.stringMatching(/: ships between \w{3}, \w{3} \d+ and \w{3}, \w{3} \d+$/),
        detail: "Set by support — “Supplier confirmed by phone”",
      }),
    );
  });

  it("cancels for the shopper with the agent as actor, and notes show in the timeline", async () => {
    const { db } = database;
    await agentCancel(db, agentA, {
      orderId: orderA.orderId,
      lineId: orderA.lines[1]!.id,
      now: day(6),
      reason: "Customer called",
    });
    expect((await lineOf(db, orderA, 1)).status).toBe("cancelled");
    await addInternalNote(db, agentA, { orderId: orderA.orderId, body: "Refund confirmed on the phone", now: day(6) });
    const timeline = await orderTimeline(db, orderA.orderId);
    expect(timeline.find((t) => t.title === "Item cancelled")).toMatchObject({
      who: "Agent jo@alpha.example",
      detail: "Customer called",
    });
    expect(timeline.find((t) => t.kind === "note")).toMatchObject({
      who: "Agent jo@alpha.example",
      detail: "Refund confirmed on the phone",
    });
    // The audit log names the order by its number, not "open".
    const audit = await auditEntries(db, agentA, auditFilters({}, [shopA.id]));
    expect(audit.find((e) => e.orderId === orderA.orderId)).toMatchObject({ orderNumber: "#1042" });
  });
});

describe("backorder board", () => {
  it("shows each SKU's shortage, queue and next delivery, and honesty from shipped lines, within scope", async () => {
    const { db } = database;
    const board = await backorderBoard(db, admin, { now: day(7) });
    const mugB = board.find((r) => r.code === "NW-MUG" && r.merchant === "Beta");
    expect(mugB).toMatchObject({ unitsShort: 1, queueDepth: 1, nextPo: null });
    expect((await backorderBoard(db, agentA, { now: day(7) })).every((r) => r.merchant === "Alpha")).toBe(true);

    await receivePo(db, shopA.id, "PO-A1", { "NW-MUG": 5 }, day(8));
    await shipUnits(db, shopA.id, "#1043", { "NW-MUG": 1 }, day(8));
    const honesty = await honestyFigures(db, agentA);
    expect(honesty.byMerchant.map((f) => f.group)).toEqual(["Alpha"]);
    expect(honesty.bySupplier).toEqual([expect.objectContaining({ group: "Acme Supply", shipped: 1 })]);
    const [shipped] = await db
      .select()
      .from(orderLines)
      .innerJoin(orders, eq(orders.id, orderLines.orderId))
      .where(and(eq(orders.number, "#1043"), eq(orderLines.skuCode, "NW-MUG")));
    expect(shipped!.order_lines).toMatchObject({ status: "shipped", firstShipEnd: expect.any(String) });
  });
});

describe("name search at volume", () => {
  // Enough orders that every step of the name search runs: the newest orders, the trigram probe
  // past its cap (1,000 in a shop, 5,000 across all shops), and the walk newest first.
  it("returns the newest matches, exactly as a full scan would, for an admin and for one shop's agent", async () => {
    const { db } = database;
    // 6,000 older Mateos (4,500 in shop A), then 4,500 newer orders with another name: the newest
    // orders hold no Mateo, and there are more Mateos than either cap.
    await db.execute(sql`
      insert into orders (merchant_id, number, email, customer_name, currency, placed_at)
      select case when g % 4 = 0 then ${shopB.id}::uuid else ${shopA.id}::uuid end, 'BULK-' || g, 'bulk' || g || '@example.com',
             case when g = 7 then 'Zephyrine Okafor' when g <= 6000 then 'Mateo Rossi ' || g else 'Ada Byron ' || g end, 'USD',
             timestamptz '2026-09-01' + g * interval '1 minute'
      from generate_series(1, 10500) g`);
    const scan = async (word: string, merchantId: string | null) =>
      (
        await rows<{ number: string }>(
          db,
          sql`select number from orders where search_normalize(customer_name) like '%' || search_normalize(${word}) || '%'
              and (${merchantId}::uuid is null or merchant_id = ${merchantId}::uuid) order by placed_at desc limit 20`,
        )
      ).map((r) => r.number);
    const found = async (scope: AgentScope, q: string) => (await searchOrders(db, scope, q)).map((h) => h.number);
    const agentB: AgentScope = { ...agentA, merchantIds: [shopB.id] };
    const both: AgentScope = { ...agentA, merchantIds: [shopA.id, shopB.id] };
    for (const word of ["mateo", "MATÉO rossi", "ada byron", "zephyr"]) {
      expect(await found(admin, word), `admin: ${word}`).toEqual(await scan(word.split(" ")[0]!, null));
      expect(await found(agentA, word), `shop A: ${word}`).toEqual(await scan(word.split(" ")[0]!, shopA.id));
      expect(await found(agentB, word), `shop B: ${word}`).toEqual(await scan(word.split(" ")[0]!, shopB.id));
      expect(await found(both, word), `shops A and B: ${word}`).toEqual(await scan(word.split(" ")[0]!, null));
    }
    expect(await found(agentA, "mateo")).toHaveLength(20);
    expect(await found(admin, "zephyr")).toEqual(["BULK-7"]);
    expect(await found(agentB, "zephyr")).toEqual([]);
  });
});

describe("which searches a query runs", () => {
  it("runs a name search only for text without digits, and every kind a token could be", async () => {
    const { searchKinds } = await import("./search");
    expect(searchKinds("léa mor")).toEqual(["name"]);
    expect(searchKinds("mateo")).toEqual(["email", "name", "sku", "tracking"]);
    expect(searchKinds("s01-129-2")).toEqual(["number", "email", "sku", "tracking"]);
    expect(searchKinds("#1042")).toEqual(["number"]);
    expect(searchKinds("lea@ex")).toEqual(["email"]);
  });
});
