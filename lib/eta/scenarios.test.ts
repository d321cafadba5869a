import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { skus } from "../db/schema/catalog";
import { suppliers } from "../db/schema/supply";
import { cancelLines } from "../orders/cancel";
import { changeExpectedDate, receivePurchaseOrder } from "../supply/purchase-orders";
import { fileDatabase } from "../../testing/db";
import {
  apiActor,
  createMerchant,
  createPo,
  createSku,
  day,
  eventsOf,
  lineOf,
  placeOrder,
  receivePo,
  shipUnits,
} from "../../testing/fixtures";
import { shippedLines } from "./honesty";
import { refreshOverdueEtas } from "./sweep";

const database = fileDatabase();

// Day 0 is 2026-11-01. Handling 1 day, merchant default slip 3 days (no supplier history yet).

describe("honest ETA scenarios", () => {
  it("queues three orders against a PO of two, re-dates on a slip, and moves the queue up on a cancel", async () => {
    const { db } = database;
    const m = await createMerchant(db);
    await createSku(db, m.id, { code: "MUG" });
    const a = await placeOrder(db, m.id, "#1", [{ sku: "MUG", quantity: 1 }], day(0));
    const b = await placeOrder(db, m.id, "#2", [{ sku: "MUG", quantity: 1 }], day(0.1));
    const c = await placeOrder(db, m.id, "#3", [{ sku: "MUG", quantity: 1 }], day(0.2));
    for (const order of [a, b, c]) {
      const line = await lineOf(db, order);
      expect(line.status).toBe("backordered");
      expect(line.etaBasis).toBe("unknown");
      expect((await eventsOf(db, line.id)).map((e) => e.reason)).toEqual(["initial"]);
    }

    await createPo(db, m.id, "PO-1", "2026-11-20", [{ sku: "MUG", quantity: 2 }], day(1));
    const [la, lb, lc] = [await lineOf(db, a), await lineOf(db, b), await lineOf(db, c)];
    expect([la.shipStart, la.shipEnd]).toEqual(["2026-11-21", "2026-11-24"]);
    expect([lb.shipStart, lb.shipEnd]).toEqual(["2026-11-21", "2026-11-24"]);
    expect([la.deliveryStart, la.deliveryEnd]).toEqual(["2026-11-23", "2026-11-28"]);
    expect([la.queuePosition, lb.queuePosition, lc.queuePosition]).toEqual([0, 1, 2]);
    expect(lc.etaBasis).toBe("unknown");
    expect(lc.shipStart).toBeNull();
    expect((await eventsOf(db, la.id)).map((e) => e.reason)).toEqual(["initial", "po_created"]);
    expect((await eventsOf(db, lc.id)).map((e) => e.reason)).toEqual(["initial"]);

    const slip = await changeExpectedDate(db, {
      merchantId: m.id,
      reference: "PO-1",
      expectedDate: "2026-11-25",
      actor: apiActor,
      now: day(2),
    });
    expect(slip.etaChanges).toBe(2);
    expect((await eventsOf(db, la.id)).map((e) => e.reason)).toEqual(["initial", "po_created", "po_delayed"]);
    expect((await eventsOf(db, lb.id)).map((e) => e.reason)).toEqual(["initial", "po_created", "po_delayed"]);
    expect((await eventsOf(db, lc.id)).map((e) => e.reason)).toEqual(["initial"]);
    expect((await lineOf(db, a)).shipEnd).toBe("2026-11-29");

    await cancelLines(db, { merchantId: m.id, orderId: a.orderId, actor: apiActor, now: day(3) });
    expect((await lineOf(db, a)).status).toBe("cancelled");
    const lc2 = await lineOf(db, c);
    expect(lc2.etaBasis).toBe("po");
    expect([lc2.shipStart, lc2.shipEnd]).toEqual(["2026-11-26", "2026-11-29"]);
    expect(lc2.queuePosition).toBe(1);
    expect((await eventsOf(db, lc2.id)).map((e) => e.reason)).toEqual(["initial", "queue_moved"]);
    const lb2 = await lineOf(db, b);
    expect(lb2.queuePosition).toBe(0);
    expect([lb2.shipStart, lb2.shipEnd]).toEqual([lb.shipStart && "2026-11-26", "2026-11-29"]);
    expect((await eventsOf(db, lb2.id)).map((e) => e.reason)).toEqual(["initial", "po_created", "po_delayed"]);
  });

  it("gives the third order the second PO's window, and a partial receipt fills the queue first come first served", async () => {
    const { db } = database;
    const m = await createMerchant(db);
    await createSku(db, m.id, { code: "LAMP" });
    const orders = [];
    for (let i = 0; i < 3; i++)
      orders.push(await placeOrder(db, m.id, `#L${i}`, [{ sku: "LAMP", quantity: 1 }], day(i * 0.1)));
    await createPo(db, m.id, "PO-A", "2026-11-20", [{ sku: "LAMP", quantity: 2 }], day(1));
    await createPo(db, m.id, "PO-B", "2026-12-10", [{ sku: "LAMP", quantity: 5 }], day(2));
    const third = await lineOf(db, orders[2]!);
    expect(third.etaBasis).toBe("po");
    expect([third.shipStart, third.shipEnd]).toEqual(["2026-12-11", "2026-12-14"]);
    expect((await eventsOf(db, third.id)).map((e) => e.reason)).toEqual(["initial", "po_created"]);
    // The first two lines rest on PO-A and did not move.
    expect((await eventsOf(db, (await lineOf(db, orders[0]!)).id)).map((e) => e.reason)).toEqual([
      "initial",
      "po_created",
    ]);

    await receivePo(db, m.id, "PO-A", { LAMP: 1 }, day(18));
    const [first, second] = [await lineOf(db, orders[0]!), await lineOf(db, orders[1]!)];
    expect(first.status).toBe("ready");
    expect(first.allocatedQuantity).toBe(1);
    expect(first.etaBasis).toBe("stock");
    expect([first.shipStart, first.shipEnd]).toEqual(["2026-11-20", "2026-11-20"]);
    expect((await eventsOf(db, first.id)).at(-1)!.reason).toBe("po_received");
    expect(second.status).toBe("backordered");
    expect(second.allocatedQuantity).toBe(0);
    expect(second.queuePosition).toBe(0);
    const [sku] = await db.select().from(skus).where(eq(skus.merchantId, m.id));
    expect([sku!.onHand, sku!.allocated]).toEqual([1, 1]);
  });

  it("widens the window of a supplier with late history, not a punctual one", async () => {
    const { db } = database;
    const m = await createMerchant(db, { defaultSlipDays: 2 });
    await createSku(db, m.id, { code: "LATE-X" });
    await createSku(db, m.id, { code: "ONTIME-X" });
    // Three past POs each: the late supplier arrived 8-10 days after its first promise.
    for (const [supplier, lateness] of [
      ["Late Co", [8, 9, 10]],
      ["Punctual Co", [0, 0, 1]],
    ] as const) {
      for (const [i, days] of lateness.entries()) {
        const ref = `${supplier}-${i}`;
        await createPo(
          db,
          m.id,
          ref,
          "2026-10-01",
          [{ sku: supplier === "Late Co" ? "LATE-X" : "ONTIME-X", quantity: 1 }],
          day(-40),
          supplier,
        );
        await receivePurchaseOrder(db, {
          merchantId: m.id,
          reference: ref,
          input: {
            lines: [{ sku: supplier === "Late Co" ? "LATE-X" : "ONTIME-X", quantity: 1 }],
            receivedAt: new Date(Date.UTC(2026, 9, 1 + days, 12)).toISOString(),
          },
          actor: apiActor,
          now: day(-30),
        });
      }
    }
    const allowances = await db
      .select({ name: suppliers.name, slip: suppliers.slipAllowanceDays })
      .from(suppliers)
      .where(eq(suppliers.merchantId, m.id));
    expect(Object.fromEntries(allowances.map((s) => [s.name, s.slip]))).toEqual({ "Late Co": 10, "Punctual Co": 1 });

    // Stock from those receipts is gone; new orders wait for new POs on the same date.
    const late = await placeOrder(db, m.id, "#W1", [{ sku: "LATE-X", quantity: 4 }], day(0));
    const punctual = await placeOrder(db, m.id, "#W2", [{ sku: "ONTIME-X", quantity: 4 }], day(0));
    await createPo(db, m.id, "LATE-NEW", "2026-11-20", [{ sku: "LATE-X", quantity: 10 }], day(1), "Late Co");
    await createPo(db, m.id, "ONTIME-NEW", "2026-11-20", [{ sku: "ONTIME-X", quantity: 10 }], day(1), "Punctual Co");
    const [l, p] = [await lineOf(db, late), await lineOf(db, punctual)];
    // Late Co came 8 to 10 days after its date every time: its window starts 8 days late and ends
    // 10 days late (a steady range, so no margin beyond it); Punctual Co's reaches one day past.
    expect([l.shipStart, l.shipEnd]).toEqual(["2026-11-29", "2026-12-01"]);
    expect([p.shipStart, p.shipEnd]).toEqual(["2026-11-21", "2026-11-22"]);
  });

  it("dates a pre-order from its release date, and later when its stock comes after release", async () => {
    const { db } = database;
    const m = await createMerchant(db);
    await createSku(db, m.id, { code: "GAME", policy: "preorder", releaseDate: "2026-12-05" });
    const order = await placeOrder(db, m.id, "#P1", [{ sku: "GAME", quantity: 1 }], day(0));
    let line = await lineOf(db, order);
    expect(line.status).toBe("preorder");
    expect(line.etaBasis).toBe("release");
    expect([line.shipStart, line.shipEnd]).toEqual(["2026-12-06", "2026-12-06"]);

    await createPo(db, m.id, "PO-G", "2026-11-25", [{ sku: "GAME", quantity: 3 }], day(1));
    line = await lineOf(db, order);
    expect(line.etaBasis).toBe("release");
    // Stock due ten days before release; even a slip of 3 days leaves it on time.
    expect([line.shipStart, line.shipEnd]).toEqual(["2026-12-06", "2026-12-06"]);

    await changeExpectedDate(db, {
      merchantId: m.id,
      reference: "PO-G",
      expectedDate: "2026-12-08",
      actor: apiActor,
      now: day(2),
    });
    line = await lineOf(db, order);
    expect(line.etaBasis).toBe("po");
    expect([line.shipStart, line.shipEnd]).toEqual(["2026-12-09", "2026-12-12"]);
  });
});

// The windows the tuned rule gives (docs/eta.md): where a supplier's window starts, and what an
// overdue PO does to it. Day 0 is 2026-11-01; handling 1 day; merchant default slip 3 days.

describe("honest windows", () => {
  it("opens a noisy supplier's window before its date and records the date each window rests on", async () => {
    const { db } = database;
    const m = await createMerchant(db);
    await createSku(db, m.id, { code: "NOISY" });
    for (const [i, slip] of [-3, 0, 3, -1, 2].entries()) {
      await createPo(db, m.id, `N-${i}`, "2026-10-01", [{ sku: "NOISY", quantity: 1 }], day(-40), "Noisy Co");
      await receivePurchaseOrder(db, {
        merchantId: m.id,
        reference: `N-${i}`,
        input: {
          lines: [{ sku: "NOISY", quantity: 1 }],
          receivedAt: new Date(Date.UTC(2026, 9, 1 + slip, 12)).toISOString(),
        },
        actor: apiActor,
        now: day(-30),
      });
    }
    const [supplier] = await db.select().from(suppliers).where(eq(suppliers.merchantId, m.id));
    // -3 to 3 days: a steady spread, so no margin beyond it.
    expect([supplier!.slipFloorDays, supplier!.slipAllowanceDays]).toEqual([-3, 3]);

    const order = await placeOrder(db, m.id, "#N1", [{ sku: "NOISY", quantity: 10 }], day(0));
    await createPo(db, m.id, "N-NEW", "2026-11-20", [{ sku: "NOISY", quantity: 20 }], day(1), "Noisy Co");
    const line = await lineOf(db, order);
    expect([line.shipStart, line.shipEnd]).toEqual(["2026-11-18", "2026-11-24"]);
    const events = await eventsOf(db, line.id);
    expect(events.map((e) => [e.reason, e.newBasis, e.basisDate])).toEqual([
      ["initial", "unknown", null],
      ["po_created", "po", "2026-11-20"],
    ]);
  });

  it("counts the single date's move at a receipt that left our window as it was", async () => {
    const { db } = database;
    const m = await createMerchant(db);
    await createSku(db, m.id, { code: "LASTDAY" });
    const order = await placeOrder(db, m.id, "#L1", [{ sku: "LASTDAY", quantity: 1 }], day(0));
    await createPo(db, m.id, "L-1", "2026-11-20", [{ sku: "LASTDAY", quantity: 1 }], day(1));
    // Nov 23: the sweep moves the start up to the last day, Nov 24; the stock comes that morning.
    await refreshOverdueEtas(db, { now: day(22) });
    await receivePo(db, m.id, "L-1", { LASTDAY: 1 }, day(22.1));
    const ready = await lineOf(db, order);
    expect([ready.status, ready.etaBasis, ready.basisDate, ready.shipStart, ready.shipEnd]).toEqual([
      "ready",
      "stock",
      "2026-11-23",
      "2026-11-24",
      "2026-11-24",
    ]);
    expect((await eventsOf(db, ready.id)).map((e) => e.reason)).toEqual(["initial", "po_created"]);
    await shipUnits(db, m.id, "#L1", { LASTDAY: 1 }, day(23));

    const [line] = (await shippedLines(db, m.id)).filter((l) => l.lineId === ready.id);
    // Ours: shown Nov 21 – Nov 24, shipped Nov 24, never changed. A single date: Nov 21, then Nov 24.
    expect([line!.firstStart, line!.firstEnd, line!.shippedOn, line!.changes]).toEqual([
      "2026-11-21",
      "2026-11-24",
      "2026-11-24",
      0,
    ]);
    expect([line!.singleDate, line!.singleDateChanges, line!.singleDatePushes]).toEqual(["2026-11-21", 1, 1]);
  });

  it("keeps an overdue PO's late end while inside the window, then reaches a week further at a time", async () => {
    const { db } = database;
    const m = await createMerchant(db);
    await createSku(db, m.id, { code: "SLOW" });
    const first = await placeOrder(db, m.id, "#S1", [{ sku: "SLOW", quantity: 1 }], day(0));
    await createPo(db, m.id, "S-1", "2026-11-05", [{ sku: "SLOW", quantity: 50 }], day(0.5));
    const windowOn = async (n: number) => {
      // The worker's sweep looks at the SKU again on that day.
      await refreshOverdueEtas(db, { now: day(n) });
      const line = await lineOf(db, first);
      return [line.shipStart, line.shipEnd];
    };
    expect(await windowOn(1)).toEqual(["2026-11-06", "2026-11-09"]);
    // Late, but inside the window: the end stays, only days that passed drop off the start.
    expect(await windowOn(6)).toEqual(["2026-11-08", "2026-11-09"]);
    // Past the window: a week more, not a day more each day.
    expect(await windowOn(9)).toEqual(["2026-11-11", "2026-11-16"]);
    expect(await windowOn(13)).toEqual(["2026-11-15", "2026-11-16"]);
    expect(await windowOn(15)).toEqual(["2026-11-17", "2026-11-23"]);
    const pushes = (await lineOf(db, first)).etaPushes;
    expect(pushes).toBe(2);
  });
});
