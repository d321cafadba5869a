import { and, asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { orderLines, orders } from "../db/schema/orders";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id from a URL or a form is looked up only when it can be one (a malformed one is simply not found). */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/**
 * A signed-in shopper's own order, for their actions: null for someone else's order, a missing
 * one and a malformed id alike, so an action cannot tell them apart either.
 */
export async function orderForShopper(
  db: DbOrTx,
  owner: { orderId: string; email: string },
): Promise<{ id: string; merchantId: string } | null> {
  if (!isUuid(owner.orderId)) return null;
  const [order] = await db
    .select({ id: orders.id, merchantId: orders.merchantId })
    .from(orders)
    .where(and(eq(orders.id, owner.orderId), eq(orders.email, owner.email)));
  return order ?? null;
}

/** Order numbers are matched with or without their leading `#` (shoppers and URLs drop it). */
export function numberVariants(number: string): string[] {
  const bare = number.trim().replace(/^#/, "");
  return [bare, `#${bare}`];
}

/** One merchant's order with its lines, by number; null when that merchant has no such order. */
export async function orderByNumber(db: DbOrTx, merchantId: string, number: string) {
  const [order] = await db
    .select()
    .from(orders)
    .where(
      and(
        eq(orders.merchantId, merchantId),
        sql`${orders.number} in (${sql.join(
          numberVariants(number).map((n) => sql`${n}`),
          sql`, `,
        )})`,
      ),
    )
    .limit(1);
  if (!order) return null;
  const lines = await db.select().from(orderLines).where(eq(orderLines.orderId, order.id)).orderBy(asc(orderLines.id));
  return { order, lines };
}
