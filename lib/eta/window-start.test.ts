import { describe, expect, it } from "vitest";
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

// Day 0 is 2026-11-01 (UTC). Handling 1 day, merchant default slip 3 days, no supplier history, so
// a PO dated Nov 20 gives the ship window Nov 21 – Nov 24.

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
