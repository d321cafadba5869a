import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { notifications } from "../db/schema/notifications";
import { etaEvents } from "../db/schema/orders";
import { gatherQueued } from "../notifications/outbox";
import { changeExpectedDate } from "../supply/purchase-orders";
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
} from "../../testing/fixtures";
import { overrideEta } from "./override";
import { recomputeEta } from "./recompute";
import { refreshOverdueEtas } from "./sweep";

const database = fileDatabase();

// Day 0 is 2026-11-01, noon UTC. Handling 1 day, merchant default slip 3 days, no supplier
// history: a PO dated Nov 20 gives the ship window Nov 21 – Nov 24.

async function recompute(skuId: string, n: number) {
  const { db } = database;
  return db.transaction((tx) => recomputeEta(tx, { skuIds: [skuId], cause: "queue_moved", now: day(n) }));
}

describe("a window's start passing is not an ETA change", () => {
  it("moves a late PO's start up to today plus handling without an event, and the next real change starts from that window", async () => {
    const { db } = database;
    const m = await createMerchant(db);
    const sku = await createSku(db, m.id, { code: "KETTLE" });
    const order = await placeOrder(db, m.id, "#K1", [{ sku: "KETTLE", quantity: 1 }], day(0));
    await placeOrder(db, m.id, "#K2", [{ sku: "KETTLE", quantity: 1 }], day(0.5));
    await createPo(db, m.id, "PO-K", "2026-11-20", [{ sku: "KETTLE", quantity: 5 }], day(1));
    const dated = await lineOf(db, order);
    expect([dated.shipStart, dated.shipEnd]).toEqual(["2026-11-21", "2026-11-24"]);
    expect((await eventsOf(db, dated.id)).map((e) => e.reason)).toEqual(["initial", "po_created"]);

    // Nov 21: the PO has not come, but it is still inside its slip range. The worker's sweep
    // recomputes the queue; the first line's window now starts Nov 22, and nothing was learned.
    expect(await refreshOverdueEtas(db, { now: day(20) })).toEqual({ skus: 1, etaChanges: 0 });
    const clamped = await lineOf(db, order);
    expect([clamped.shipStart, clamped.shipEnd]).toEqual(["2026-11-22", "2026-11-24"]);
    expect([clamped.deliveryStart, clamped.deliveryEnd]).toEqual(["2026-11-24", "2026-11-28"]);
    expect(clamped.etaBasis).toBe("po");
    expect(clamped.etaUpdatedAt).toEqual(dated.etaUpdatedAt);
    expect([clamped.firstShipStart, clamped.firstShipEnd, clamped.promisedShipEnd]).toEqual([
      "2026-11-21",
      "2026-11-24",
      "2026-11-24",
    ]);
    expect(clamped.etaPushes).toBe(0);
    expect((await eventsOf(db, clamped.id)).map((e) => e.reason)).toEqual(["initial", "po_created"]);

    // Nov 22, a recompute for no reason at all: both lines' starts move up, no change is returned.
    expect(await recompute(sku.id, 21)).toEqual([]);
    const stored = await lineOf(db, order);
    expect([stored.shipStart, stored.shipEnd]).toEqual(["2026-11-23", "2026-11-24"]);
    expect(await eventsOf(db, stored.id)).toHaveLength(2);

    // Nov 23: the supplier moves its date to Nov 27. The event's old window is the one the line
    // showed (Nov 23 – Nov 24), not the one in the last event (Nov 21 – Nov 24).
    const slip = await changeExpectedDate(db, {
      merchantId: m.id,
      reference: "PO-K",
      expectedDate: "2026-11-27",
      actor: apiActor,
      now: day(22),
    });
    expect(slip.etaChanges).toBe(2);
    const delayed = await lineOf(db, order);
    expect([delayed.shipStart, delayed.shipEnd]).toEqual(["2026-11-28", "2026-12-01"]);
    expect(delayed.etaUpdatedAt).toEqual(day(22));
    expect(delayed.etaPushes).toBe(1);
    const events = await eventsOf(db, delayed.id);
    expect(events.map((e) => e.reason)).toEqual(["initial", "po_created", "po_delayed"]);
    expect([events[2]!.oldShipStart, events[2]!.oldShipEnd, events[2]!.newShipStart, events[2]!.newShipEnd]).toEqual([
      "2026-11-23",
      "2026-11-24",
      "2026-11-28",
      "2026-12-01",
    ]);
  });

  it("still records a change of the end: an overdue PO's window reaching a week further", async () => {
    const { db } = database;
    const m = await createMerchant(db);
    const sku = await createSku(db, m.id, { code: "TOASTER" });
    const order = await placeOrder(db, m.id, "#T1", [{ sku: "TOASTER", quantity: 1 }], day(0));
    await createPo(db, m.id, "PO-T", "2026-11-20", [{ sku: "TOASTER", quantity: 1 }], day(1));
    const line = await lineOf(db, order);

    // Nov 22: inside the slip range, the start passing is not a change.
    expect(await recompute(sku.id, 21)).toEqual([]);
    expect([(await lineOf(db, order)).shipStart, (await lineOf(db, order)).shipEnd]).toEqual([
      "2026-11-23",
      "2026-11-24",
    ]);

    // Nov 24, the window's last ready day (Nov 23) has passed: the end reaches a week further,
    // which is a change, with the stored window as the old one.
    const changes = await recompute(sku.id, 23);
    expect(
      changes.map((c) => [c.lineId, c.oldShipStart, c.oldShipEnd, c.newShipStart, c.newShipEnd, c.reason]),
    ).toEqual([[line.id, "2026-11-23", "2026-11-24", "2026-11-25", "2026-12-01", "queue_moved"]]);
    const moved = await lineOf(db, order);
    expect([moved.shipStart, moved.shipEnd]).toEqual(["2026-11-25", "2026-12-01"]);
    expect(moved.etaUpdatedAt).toEqual(day(23));
    expect(moved.etaPushes).toBe(1);
    expect((await eventsOf(db, line.id)).map((e) => e.reason)).toEqual(["initial", "po_created", "queue_moved"]);

    // Inside the new range the start passing is again no change.
    expect(await recompute(sku.id, 25)).toEqual([]);
    expect((await lineOf(db, order)).shipStart).toBe("2026-11-27");
    expect(await eventsOf(db, line.id)).toHaveLength(3);
  });

  it("leaves an agent's window alone when its start passes", async () => {
    const { db } = database;
    const m = await createMerchant(db);
    const sku = await createSku(db, m.id, { code: "FAN" });
    const order = await placeOrder(db, m.id, "#F1", [{ sku: "FAN", quantity: 1 }], day(0));
    await createPo(db, m.id, "PO-F", "2026-11-20", [{ sku: "FAN", quantity: 1 }], day(1));
    const line = await lineOf(db, order);
    await overrideEta(db, {
      merchantId: m.id,
      lineId: line.id,
      shipStart: "2026-11-21",
      shipEnd: "2026-11-26",
      note: "Carrier confirmed",
      actor: apiActor,
      now: day(2),
    });

    expect(await recompute(sku.id, 22)).toEqual([]);
    const kept = await lineOf(db, order);
    expect([kept.shipStart, kept.shipEnd, kept.etaBasis]).toEqual(["2026-11-21", "2026-11-26", "override"]);
    expect((await eventsOf(db, line.id)).map((e) => e.reason)).toEqual(["initial", "po_created", "manual"]);
  });
});

describe("the overdue sweep re-dates windows the calendar overtook on quiet SKUs", () => {
  it("moves a late PO's start up without an event, then its end a week on with an event and an email, and leaves every other line alone", async () => {
    const { db } = database;
    const m = await createMerchant(db);
    for (const code of ["LATE", "ONTIME", "NODATE", "FIXED"]) await createSku(db, m.id, { code });
    const late = await placeOrder(db, m.id, "#S1", [{ sku: "LATE", quantity: 1 }], day(0));
    const onTime = await placeOrder(db, m.id, "#S2", [{ sku: "ONTIME", quantity: 1 }], day(0));
    const noDate = await placeOrder(db, m.id, "#S3", [{ sku: "NODATE", quantity: 1 }], day(0));
    const fixed = await placeOrder(db, m.id, "#S4", [{ sku: "FIXED", quantity: 1 }], day(0));
    await createPo(db, m.id, "PO-LATE", "2026-11-20", [{ sku: "LATE", quantity: 5 }], day(1));
    await createPo(db, m.id, "PO-ONTIME", "2026-12-10", [{ sku: "ONTIME", quantity: 5 }], day(1));
    await createPo(db, m.id, "PO-FIXED", "2026-11-20", [{ sku: "FIXED", quantity: 5 }], day(1));
    await overrideEta(db, {
      merchantId: m.id,
      lineId: fixed.lines[0]!.id,
      shipStart: "2026-11-21",
      shipEnd: "2026-11-22",
      note: "Packed by hand",
      actor: apiActor,
      now: day(2),
    });
    const before = await Promise.all([late, onTime, noDate, fixed].map((o) => lineOf(db, o)));
    expect(before.map((l) => [l.etaBasis, l.shipStart, l.shipEnd])).toEqual([
      ["po", "2026-11-21", "2026-11-24"],
      ["po", "2026-12-11", "2026-12-14"],
      ["unknown", null, null],
      ["override", "2026-11-21", "2026-11-22"],
    ]);

    // Nov 22: the PO is late but inside its slip range. Only the late line is due; its start moves
    // up to Nov 23, which is no ETA change.
    expect(await refreshOverdueEtas(db, { now: day(21) })).toEqual({ skus: 1, etaChanges: 0 });
    const clamped = await lineOf(db, late);
    expect([clamped.shipStart, clamped.shipEnd, clamped.deliveryStart]).toEqual([
      "2026-11-23",
      "2026-11-24",
      "2026-11-25",
    ]);
    expect(clamped.etaUpdatedAt).toEqual(before[0]!.etaUpdatedAt);
    expect((await eventsOf(db, clamped.id)).map((e) => e.reason)).toEqual(["initial", "po_created"]);
    // Another run the same day finds nothing to do.
    expect(await refreshOverdueEtas(db, { now: day(21.4) })).toEqual({ skus: 0, etaChanges: 0 });

    // The emails so far went out (the worker is not running here).
    await db.update(notifications).set({ status: "sent" }).where(eq(notifications.merchantId, m.id));

    // Nov 25: past the window's end. The end reaches a week further: Nov 23 + 7 plus handling.
    expect(await refreshOverdueEtas(db, { now: day(24) })).toEqual({ skus: 1, etaChanges: 1 });
    const delayed = await lineOf(db, late);
    expect([delayed.shipStart, delayed.shipEnd]).toEqual(["2026-11-26", "2026-12-01"]);
    expect([delayed.etaPushes, delayed.etaUpdatedAt]).toEqual([1, day(24)]);
    const events = await eventsOf(db, delayed.id);
    expect(events.map((e) => e.reason)).toEqual(["initial", "po_created", "po_delayed"]);
    expect([events[2]!.oldShipStart, events[2]!.oldShipEnd, events[2]!.newShipStart, events[2]!.newShipEnd]).toEqual([
      "2026-11-23",
      "2026-11-24",
      "2026-11-26",
      "2026-12-01",
    ]);
    // The shopper hears of it: an ETA email for the order, holding the window it replaced.
    await gatherQueued(db);
    const [email] = await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.orderId, late.orderId), eq(notifications.status, "pending")));
    expect(email!.kind).toBe("eta_moved");
    expect((email!.payload as { lines: Record<string, unknown> }).lines).toEqual({
      [String(delayed.id)]: { start: "2026-11-23", end: "2026-11-24" },
    });

    // The other lines were not touched: a PO on time, no PO at all, and an agent's date.
    const after = await Promise.all([onTime, noDate, fixed].map((o) => lineOf(db, o)));
    expect(after.map((l) => l.updatedAt)).toEqual(before.slice(1).map((l) => l.updatedAt));
    expect(await eventsOf(db, fixed.lines[0]!.id)).toHaveLength(3);
  });

  it("keeps a pre-order's release day for units set aside, and takes the date off one with nothing coming once the day passed", async () => {
    const { db } = database;
    const m = await createMerchant(db);
    const sku = await createSku(db, m.id, { code: "GAME", policy: "preorder", releaseDate: "2026-11-10", onHand: 1 });
    const held = await placeOrder(db, m.id, "#P1", [{ sku: "GAME", quantity: 1 }], day(0));
    const waiting = await placeOrder(db, m.id, "#P2", [{ sku: "GAME", quantity: 1 }], day(0.5));
    const before = await Promise.all([held, waiting].map((o) => lineOf(db, o)));
    expect(before.map((l) => [l.status, l.allocatedQuantity, l.etaBasis, l.basisDate, l.shipStart, l.shipEnd])).toEqual(
      [
        ["preorder", 1, "release", "2026-11-10", "2026-11-11", "2026-11-11"],
        ["preorder", 0, "release", "2026-11-10", "2026-11-11", "2026-11-11"],
      ],
    );

    // Nov 11: released. The unit set aside ships on the day promised; the other has no stock and no PO.
    expect(await refreshOverdueEtas(db, { now: day(10) })).toEqual({ skus: 1, etaChanges: 1 });
    const [stillHeld, undated] = await Promise.all([held, waiting].map((o) => lineOf(db, o)));
    expect([stillHeld!.etaBasis, stillHeld!.shipStart, stillHeld!.shipEnd, stillHeld!.updatedAt]).toEqual([
      "release",
      "2026-11-11",
      "2026-11-11",
      before[0]!.updatedAt,
    ]);
    expect([undated!.etaBasis, undated!.shipStart, undated!.shipEnd]).toEqual(["unknown", null, null]);
    expect((await eventsOf(db, undated!.id)).map((e) => [e.reason, e.newShipEnd])).toEqual([
      ["initial", "2026-11-11"],
      ["po_delayed", null],
    ]);
    // Nothing is due any more, and a whole recompute days later leaves the promised day alone.
    expect(await refreshOverdueEtas(db, { now: day(12) })).toEqual({ skus: 0, etaChanges: 0 });
    expect(
      await db.transaction((tx) => recomputeEta(tx, { skuIds: [sku.id], cause: "queue_moved", now: day(12) })),
    ).toEqual([]);
    const later = await lineOf(db, held);
    expect([later.etaBasis, later.shipStart, later.shipEnd, later.etaPushes]).toEqual([
      "release",
      "2026-11-11",
      "2026-11-11",
      0,
    ]);
  });

  it("reads each merchant's own calendar", async () => {
    const { db } = database;
    const utc = await createMerchant(db);
    const auckland = await createMerchant(db, { timezone: "Pacific/Auckland" });
    const orders = [];
    for (const m of [utc, auckland]) {
      await createSku(db, m.id, { code: "LAMP" });
      orders.push(await placeOrder(db, m.id, "#Z1", [{ sku: "LAMP", quantity: 1 }], day(0)));
      await createPo(db, m.id, "PO-Z", "2026-11-20", [{ sku: "LAMP", quantity: 5 }], day(1));
    }
    // Nov 23, noon UTC, is already Nov 24 in Auckland: the PO (last day Nov 23 there too) is past
    // its range in Auckland and still inside it in UTC.
    await refreshOverdueEtas(db, { now: day(22) });
    const [inUtc, inAuckland] = await Promise.all(orders.map((o) => lineOf(db, o)));
    expect([inUtc!.shipStart, inUtc!.shipEnd]).toEqual(["2026-11-24", "2026-11-24"]);
    expect((await eventsOf(db, inUtc!.id)).map((e) => e.reason)).toEqual(["initial", "po_created"]);
    expect([inAuckland!.shipStart, inAuckland!.shipEnd]).toEqual(["2026-11-25", "2026-12-01"]);
    expect((await eventsOf(db, inAuckland!.id)).map((e) => e.reason)).toEqual(["initial", "po_created", "po_delayed"]);
  });

  it("two workers sweeping at once re-date each line once", async () => {
    const { db } = database;
    const m = await createMerchant(db);
    const orders = [];
    for (let i = 0; i < 12; i++) {
      await createSku(db, m.id, { code: `RACE-${i}` });
      orders.push(await placeOrder(db, m.id, `#R${i}`, [{ sku: `RACE-${i}`, quantity: 1 }], day(40)));
      await createPo(db, m.id, `PO-R${i}`, "2026-12-20", [{ sku: `RACE-${i}`, quantity: 1 }], day(40));
    }
    // Dec 31: each PO (last day Dec 23) is a week and a day overdue. Each is 11 days late, which
    // is evidence about the supplier's other POs: their late end reaches 14 days (whole weeks) past
    // Dec 20, Jan 3, plus a day of handling.
    const [a, b] = await Promise.all([
      refreshOverdueEtas(db, { now: day(60) }),
      refreshOverdueEtas(db, { now: day(60) }),
    ]);
    const written = await db
      .select()
      .from(etaEvents)
      .where(eq(etaEvents.at, day(60)));
    expect(a!.etaChanges + b!.etaChanges).toBe(written.length);
    for (const order of orders) {
      const line = await lineOf(db, order);
      expect([line.shipStart, line.shipEnd]).toEqual(["2027-01-01", "2027-01-04"]);
      expect((await eventsOf(db, line.id)).map((e) => e.reason)).toEqual(["initial", "po_created", "po_delayed"]);
    }
  });
});
