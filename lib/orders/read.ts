import { and, asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { orderLines, orders } from "../db/schema/orders";

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
