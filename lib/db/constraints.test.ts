import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { skus } from "./schema/catalog";
import { orderLines, orders } from "./schema/orders";
import { fileDatabase } from "../../testing/db";
import { createMerchant, createSku, day, placeOrder } from "../../testing/fixtures";
import { errorCode } from "./transaction";

const database = fileDatabase();

/** The PostgreSQL error a statement fails with (it must fail). */
async function failure(statement: Promise<unknown>) {
  try {
    await statement;
  } catch (error) {
    let e = error as { code?: string; constraint?: string; constraint_name?: string; cause?: unknown };
    while (e.cause && !e.code) e = e.cause as typeof e;
    const cause = (e.code ? e : (e.cause as typeof e)) ?? e;
    return { code: errorCode(error), constraint: cause.constraint ?? cause.constraint_name };
  }
  throw new Error("the statement was accepted, but it should have been refused");
}

describe("the schema refuses bad rows", () => {
  it("refuses a line whose allocated, shipped and cancelled units exceed what was ordered", async () => {
    const { db } = database;
    const m = await createMerchant(db);
    await createSku(db, m.id, { code: "A", onHand: 0 });
    const order = await placeOrder(db, m.id, "#1", [{ sku: "A", quantity: 2 }], day(0));
    const lineId = order.lines[0]!.id;
    expect(
      await failure(
        db.update(orderLines).set({ shippedQuantity: 2, cancelledQuantity: 1 }).where(eq(orderLines.id, lineId)),
      ),
    ).toEqual({
      code: "23514",
      constraint: "order_lines_units",
    });
    expect(
      await failure(db.update(orderLines).set({ cancelledQuantity: -1 }).where(eq(orderLines.id, lineId))),
    ).toMatchObject({ code: "23514" });
    // A line that says "shipped" must have no open units.
    expect(
      await failure(db.update(orderLines).set({ status: "shipped" }).where(eq(orderLines.id, lineId))),
    ).toMatchObject({ code: "23514" });
    const [line] = await db.select().from(orderLines).where(eq(orderLines.id, lineId));
    expect(line).toMatchObject({
      status: "backordered",
      allocatedQuantity: 0,
      shippedQuantity: 0,
      cancelledQuantity: 0,
    });
  });

  it("refuses a second order with the same number for a merchant, but not for another merchant", async () => {
    const { db } = database;
    const m = await createMerchant(db);
    const other = await createMerchant(db);
    const values = { number: "#77", email: "a@b.example", currency: "USD", placedAt: new Date() };
    await db.insert(orders).values({ ...values, merchantId: m.id });
    expect(await failure(db.insert(orders).values({ ...values, merchantId: m.id }))).toEqual({
      code: "23505",
      constraint: "orders_merchant_number",
    });
    await db.insert(orders).values({ ...values, merchantId: other.id });
    const [{ count }] = (await db
      .select({ count: sql<number>`count(*)::int` })
      .from(orders)
      .where(eq(orders.number, "#77"))) as [{ count: number }];
    expect(Number(count)).toBe(2);
  });

  it("refuses rows for an unknown merchant, and a line whose SKU belongs to another merchant", async () => {
    const { db } = database;
    expect(
      await failure(
        db.insert(orders).values({
          merchantId: "00000000-0000-0000-0000-000000000000",
          number: "#1",
          email: "x@y.example",
          currency: "USD",
          placedAt: new Date(),
        }),
      ),
    ).toMatchObject({ code: "23503" });
    const m = await createMerchant(db);
    const other = await createMerchant(db);
    const foreignSku = await createSku(db, other.id, { code: "THEIRS" });
    const [order] = await db
      .insert(orders)
      .values({ merchantId: m.id, number: "#2", email: "x@y.example", currency: "USD", placedAt: new Date() })
      .returning();
    expect(
      await failure(
        db.insert(orderLines).values({
          merchantId: m.id,
          orderId: order!.id,
          skuId: foreignSku.id,
          skuCode: "THEIRS",
          title: "Not ours",
          unitPriceMinor: 100,
          quantity: 1,
          status: "backordered",
          placedAt: new Date(),
        }),
      ),
    ).toEqual({ code: "23503", constraint: "order_lines_sku_fk" });
  });

  it("refuses stock promised beyond what is on hand, upper-case emails and bad brand colours", async () => {
    const { db } = database;
    const m = await createMerchant(db);
    const sku = await createSku(db, m.id, { code: "S", onHand: 1 });
    expect(await failure(db.update(skus).set({ allocated: 2 }).where(eq(skus.id, sku.id)))).toEqual({
      code: "23514",
      constraint: "skus_stock",
    });
    expect(
      await failure(
        db.insert(orders).values({
          merchantId: m.id,
          number: "#3",
          email: "Shouty@Example.com",
          currency: "USD",
          placedAt: new Date(),
        }),
      ),
    ).toEqual({ code: "23514", constraint: "orders_email_lower" });
    expect(await failure(createMerchant(db, { brandColor: "red" }))).toEqual({
      code: "23514",
      constraint: "merchants_brand_color_hex",
    });
  });
});
