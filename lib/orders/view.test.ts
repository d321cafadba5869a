import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { skus } from "../db/schema/catalog";
import { changeExpectedDate } from "../supply/purchase-orders";
import { fileDatabase } from "../../testing/db";
import { apiActor, createMerchant, createPo, createSku, day, placeOrder } from "../../testing/fixtures";
import { recordShipment } from "./ship";
import { swapLine, swapOptions } from "./swap";
import { loadOrderView } from "./view";

const database = fileDatabase();

describe("loadOrderView", () => {
  it("reads the whole order in one statement, typed like drizzle rows", async () => {
    const { db } = database;
    const m = await createMerchant(db, { timezone: "Europe/London" });
    await createSku(db, m.id, { code: "PACK", onHand: 1 });
    await createSku(db, m.id, { code: "LAMP-SAND", productHandle: "lamp" });
    const inkSku = await createSku(db, m.id, { code: "LAMP-INK", onHand: 3, productHandle: "lamp" });
    await db.update(skus).set({ imageUrl: "https://cdn.example/lamp-ink.jpg" }).where(eq(skus.id, inkSku.id));
    await createSku(db, m.id, { code: "TENT" });
    const order = await placeOrder(db, m.id, "#V1", { PACK: 2, "LAMP-SAND": 1, TENT: 1 }, day(0));
    await createPo(db, m.id, "PO-T", "2026-11-20", [{ sku: "TENT", quantity: 40 }], day(1));
    await changeExpectedDate(db, {
      merchantId: m.id,
      reference: "PO-T",
      expectedDate: "2026-11-27",
      note: "Held at customs",
      actor: apiActor,
      now: day(2),
    });
    await recordShipment(db, {
      merchantId: m.id,
      input: {
        orderNumber: "#V1",
        carrier: "DPD",
        trackingNumber: "DPD1",
        trackingUrl: "https://dpd.example/DPD1",
        lines: [{ sku: "PACK", quantity: 1 }],
      },
      actor: apiActor,
      now: day(3),
    });
    const sand = order.lines[1]!;
    const ink = (await swapOptions(db, { merchantId: m.id, lineId: sand.id })).find((o) => o.code === "LAMP-INK")!;
    await swapLine(db, {
      merchantId: m.id,
      orderId: order.orderId,
      lineId: sand.id,
      toSkuId: ink.skuId,
      actor: apiActor,
      now: day(4),
    });

    const view = (await loadOrderView(db, order.orderId))!;
    expect(view.order).toMatchObject({ id: order.orderId, number: "#V1", currency: "USD" });
    expect(view.order.placedAt).toBeInstanceOf(Date);
    expect(view.order.placedAt.toISOString()).toBe(day(0).toISOString());
    expect(view.merchant).toMatchObject({ id: m.id, timezone: "Europe/London", handlingDays: 1 });

    const [pack, lampSand, tent, lampInk] = view.lines;
    expect(pack).toMatchObject({ skuCode: "PACK", quantity: 2, shippedQuantity: 1, status: "backordered" });
    expect(pack!.shipments).toEqual([
      {
        carrier: "DPD",
        trackingNumber: "DPD1",
        trackingUrl: "https://dpd.example/DPD1",
        shippedAt: day(3),
        deliveredAt: null,
        quantity: 1,
      },
    ]);
    expect(lampSand).toMatchObject({ status: "swapped", swappedTo: { id: lampInk!.id, title: lampInk!.title } });
    expect(lampInk).toMatchObject({ status: "ready", swappedFromLineId: lampSand!.id });
    // Who swapped, on both lines, and the pictures the catalogue has.
    expect(lampSand!.closedBy).toEqual({ actor: "api", at: day(4) });
    expect(lampInk!.swappedBy).toEqual({ actor: "api", at: day(4) });
    expect([pack!.imageUrl, lampInk!.imageUrl]).toEqual([null, "https://cdn.example/lamp-ink.jpg"]);
    expect(tent).toMatchObject({ etaBasis: "po", basisDelivery: { expectedDate: "2026-11-27", units: 40 } });
    expect(tent!.etaEvents.map((e) => [e.reason, e.supplierNote])).toEqual([
      ["initial", null],
      ["po_created", null],
      ["po_delayed", "Held at customs"],
    ]);
    expect(tent!.etaEvents[2]!.at).toBeInstanceOf(Date);
    expect(typeof tent!.id).toBe("number");
    expect(await loadOrderView(db, "00000000-0000-0000-0000-000000000000")).toBeNull();
  });
});
