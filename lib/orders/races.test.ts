import { describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { rows } from "../db/client";
import { skus } from "../db/schema/catalog";
import { orderLines } from "../db/schema/orders";
import { DomainError } from "../errors";
import { onPostgres, fileDatabase } from "../../testing/db";
import { apiActor, createMerchant, createSku, day, placeOrder } from "../../testing/fixtures";
import { cancelLines } from "./cancel";
import { recordShipment } from "./ship";
import { swapLine } from "./swap";

// Races between people acting at once, on a real PostgreSQL server with a connection pool.
const database = fileDatabase();

async function settle(work: Promise<unknown>[]) {
  const results = await Promise.allSettled(work);
  for (const r of results) {
    if (r.status === "rejected" && !(r.reason instanceof DomainError)) throw r.reason;
  }
  return results;
}

describe.runIf(onPostgres)("races on PostgreSQL", () => {
  it("gives 100 shoppers swapping onto the last 5 units exactly 5 swaps, and stock never goes negative", async () => {
    const { db } = database;
    const m = await createMerchant(db);
    await createSku(db, m.id, { code: "LAMP-SAND", onHand: 0, productHandle: "lamp" });
    const ink = await createSku(db, m.id, { code: "LAMP-INK", onHand: 5, productHandle: "lamp" });
    const orders = [];
    for (let i = 0; i < 100; i++)
      orders.push(await placeOrder(db, m.id, `#S${i}`, [{ sku: "LAMP-SAND", quantity: 1 }], day(i / 1000)));

    const results = await settle(
      orders.map((o, i) =>
        swapLine(db, {
          merchantId: m.id,
          orderId: o.orderId,
          lineId: o.lines[0]!.id,
          toSkuId: ink.id,
          actor: { type: "shopper", id: `s${i}@x.example` },
          now: day(1),
        }),
      ),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    expect(won).toHaveLength(5);
    const lost = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    expect(lost).toHaveLength(95);
    expect(new Set(lost.map((r) => (r.reason as DomainError).message))).toEqual(
      new Set(["Product lamp just sold out."]),
    );

    const [stock] = await db.select().from(skus).where(eq(skus.id, ink.id));
    expect(stock).toMatchObject({ onHand: 5, allocated: 5 });
    const [counts] = await rows<{ swapped: number; ready: number; waiting: number }>(
      db,
      sql`select count(*) filter (where status = 'swapped')::int as swapped,
                 count(*) filter (where status = 'ready' and sku_code = 'LAMP-INK')::int as ready,
                 count(*) filter (where status = 'backordered')::int as waiting
          from order_lines where merchant_id = ${m.id}`,
    );
    expect(counts).toEqual({ swapped: 5, ready: 5, waiting: 95 });
    // Everyone behind the five who left moved up in the queue.
    const queue = await db
      .select({ position: orderLines.queuePosition })
      .from(orderLines)
      .where(and(eq(orderLines.merchantId, m.id), eq(orderLines.status, "backordered")))
      .orderBy(orderLines.placedAt, orderLines.id);
    expect(queue.map((q) => q.position)).toEqual(Array.from({ length: 95 }, (_, i) => i));
  });

  it("lets exactly one of a cancel and a shipment of the same units win, leaving consistent data", async () => {
    const { db } = database;
    const m = await createMerchant(db);
    await createSku(db, m.id, { code: "PACK", onHand: 40 });
    let cancelWins = 0;
    let shipWins = 0;
    for (let i = 0; i < 20; i++) {
      const order = await placeOrder(db, m.id, `#R${i}`, [{ sku: "PACK", quantity: 2 }], day(2));
      const [cancel, ship] = await settle([
        cancelLines(db, {
          merchantId: m.id,
          orderId: order.orderId,
          actor: { type: "shopper", id: "r@x.example" },
          now: day(3),
          includeReady: true,
        }),
        recordShipment(db, {
          merchantId: m.id,
          input: {
            orderNumber: `#R${i}`,
            carrier: "UPS",
            trackingNumber: `T${i}`,
            lines: [{ sku: "PACK", quantity: 2 }],
          },
          actor: apiActor,
          now: day(3),
        }),
      ]);
      expect(
        [cancel!.status, ship!.status].filter((s) => s === "fulfilled"),
        `order ${i}`,
      ).toHaveLength(1);
      if (cancel!.status === "fulfilled") cancelWins++;
      else shipWins++;
      const [line] = await db.select().from(orderLines).where(eq(orderLines.orderId, order.orderId));
      expect(line!.shippedQuantity + line!.cancelledQuantity).toBe(2);
      expect(line!.shippedQuantity === 0 || line!.cancelledQuantity === 0).toBe(true);
      expect(line!.allocatedQuantity).toBe(0);
    }
    const [stock] = await db.select().from(skus).where(eq(skus.merchantId, m.id));
    // Shipped units left the shelf; cancelled ones went back to free stock.
    expect(stock).toMatchObject({ onHand: 40 - 2 * shipWins, allocated: 0 });
    expect(cancelWins + shipWins).toBe(20);
  });
});
