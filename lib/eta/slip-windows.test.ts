import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { purchaseOrders } from "../db/schema/supply";
import { loadOrderView } from "../orders/view";
import { receivePurchaseOrder, upsertPurchaseOrder } from "../supply/purchase-orders";
import { useFreshDatabase, type TestDatabase } from "../../testing/db";
import { apiActor, createMerchant, createSku, day, eventsOf, lineOf, placeOrder } from "../../testing/fixtures";
import { refreshOverdueEtas } from "./sweep";

let database: TestDatabase;
beforeAll(async () => {
  database = await useFreshDatabase();
});
afterAll(async () => {
  await database.close();
});

// Day 0 is 2026-11-01, noon UTC. Handling 1 day, merchant default slip 3 days.

describe("slip windows per PO in production", () => {
  it("reads the supplier's history in the PO's shipment mode, shows it to agents, and stretches other POs' windows once one is a week overdue", async () => {
    const { db } = database;
    const m = await createMerchant(db);
    for (const code of ["PAST", "BY-AIR", "BY-SEA", "LATE"]) await createSku(db, m.id, { code });
    const po = (reference: string, expectedDate: string, shipmentMode: string, sku: string, now: Date) =>
      upsertPurchaseOrder(db, {
        merchantId: m.id,
        input: { reference, supplier: "Mixed Co", expectedDate, shipmentMode, lines: [{ sku, quantity: 5 }] },
        actor: apiActor,
        now,
      });
    // Four air shipments came on their day, four by sea 12 days late.
    for (const [i, [mode, slip]] of (
      [
        ["Air", 0],
        ["Air", 0],
        ["Air", 0],
        ["Air", 0],
        ["Ocean", 12],
        ["Ocean", 12],
        ["Ocean", 12],
        ["Ocean", 12],
      ] as const
    ).entries()) {
      await po(`PAST-${i}`, `2026-09-0${1 + (i % 4)}`, mode, "PAST", day(-80));
      await receivePurchaseOrder(db, {
        merchantId: m.id,
        reference: `PAST-${i}`,
        input: {
          lines: [{ sku: "PAST", quantity: 5 }],
          receivedAt: new Date(Date.UTC(2026, 8, 1 + (i % 4) + slip, 12)).toISOString(),
        },
        actor: apiActor,
        now: day(-40),
      });
    }
    const air = await placeOrder(db, m.id, "#A1", [{ sku: "BY-AIR", quantity: 1 }], day(0));
    const sea = await placeOrder(db, m.id, "#S1", [{ sku: "BY-SEA", quantity: 1 }], day(0));
    await po("AIR-NEW", "2026-11-20", "Air", "BY-AIR", day(1));
    await po("SEA-NEW", "2026-11-20", "ocean", "BY-SEA", day(1));
    expect([(await lineOf(db, air)).shipStart, (await lineOf(db, air)).shipEnd]).toEqual(["2026-11-21", "2026-11-21"]);
    expect([(await lineOf(db, sea)).shipStart, (await lineOf(db, sea)).shipEnd]).toEqual(["2026-12-03", "2026-12-03"]);

    // The support console shows the PO, its mode and its window.
    const view = (await loadOrderView(db, sea.orderId))!;
    expect(view.lines[0]!.basisDelivery).toEqual({
      expectedDate: "2026-11-20",
      units: 5,
      reference: "SEA-NEW",
      shipmentMode: "ocean",
      slip: { floorDays: 12, allowanceDays: 12 },
    });

    // An air PO due Nov 5 has not come by Nov 15: ten days late. The sweep draws the supplier's
    // windows again and the other air PO's late end reaches 14 days (whole weeks) past its date.
    await po("AIR-LATE", "2026-11-05", "Air", "LATE", day(1));
    expect(await refreshOverdueEtas(db, { now: day(10) })).toMatchObject({ etaChanges: 0 });
    await refreshOverdueEtas(db, { now: day(14) });
    const stretched = await lineOf(db, air);
    expect([stretched.shipStart, stretched.shipEnd]).toEqual(["2026-11-21", "2026-12-05"]);
    expect((await eventsOf(db, stretched.id)).map((e) => e.reason)).toEqual(["initial", "po_created", "po_delayed"]);
    // The sea PO is of another mode, and the late PO's own window is not stretched by itself.
    expect((await lineOf(db, sea)).shipEnd).toBe("2026-12-03");
    const [late] = await db.select().from(purchaseOrders).where(eq(purchaseOrders.reference, "AIR-LATE"));
    expect([late!.slipFloorDays, late!.slipAllowanceDays]).toEqual([0, 0]);
    // A second sweep the same day changes nothing.
    expect(await refreshOverdueEtas(db, { now: day(14.2) })).toEqual({ skus: 0, etaChanges: 0 });
  });
});
