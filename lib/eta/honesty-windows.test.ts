import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { suppliers } from "../db/schema/supply";
import { receivePurchaseOrder } from "../supply/purchase-orders";
import { shippedLines } from "./honesty";
import { refreshOverdueEtas } from "./sweep";
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

// The windows the tuned rule gives (docs/eta.md): where a supplier's window starts, and what an
// overdue PO does to it. Day 0 is 2026-11-01; handling 1 day; merchant default slip 3 days.

const database = fileDatabase();

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
