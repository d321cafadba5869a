import { eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Tx } from "../db/client";
import { skus } from "../db/schema/catalog";
import { orderLines, type OrderLine } from "../db/schema/orders";
import { lockSkus } from "../eta/allocate";
import { lineStatusFor, openStatuses, openUnits, sqlStatuses } from "./line-status";

// The mechanics every change to order lines shares (cancel, swap, ship, consent expiry, intake):
// taking the locks in one order, closing a line's open units, giving promised units back to the
// shelf, closing the order, and the snapshot the audit log keeps.

/**
 * The lines `where` selects, locked for this transaction in the order every change takes: their
 * SKUs first (`lockSkus`), then the lines by id. So two changes that touch the same lines (a cancel
 * and a shipment, an answer and the expiry job) wait for each other instead of deadlocking. The
 * lines are read again under the lock: check their status on what this returns. `alsoSkuIds` are
 * locked with theirs (a swap's alternative).
 */
export async function lockLines(
  tx: Tx,
  where: SQL | undefined,
  options: { alsoSkuIds?: readonly string[] } = {},
): Promise<OrderLine[]> {
  const candidates = await tx.select({ id: orderLines.id, skuId: orderLines.skuId }).from(orderLines).where(where);
  if (candidates.length === 0) return [];
  await lockSkus(tx, [...new Set([...candidates.map((c) => c.skuId), ...(options.alsoSkuIds ?? [])])]);
  return tx
    .select()
    .from(orderLines)
    .where(
      inArray(
        orderLines.id,
        candidates.map((c) => c.id),
      ),
    )
    .orderBy(orderLines.id)
    .for("update");
}

/**
 * Closes a locked line's open units as cancelled (or swapped, for another line): its place in the
 * queue and any units promised to it are freed. Returns the units closed; the caller gives the
 * promised ones back to their SKU (`releasePromised`) once for all its lines.
 */
export async function closeOpenUnits(
  tx: Tx,
  line: OrderLine,
  options: { now: Date; closedAs: "cancelled" | "swapped"; swappedToLineId?: number },
): Promise<{ units: number; promised: number }> {
  const units = openUnits(line);
  const next = { ...line, cancelledQuantity: line.cancelledQuantity + units, allocatedQuantity: 0 };
  await tx
    .update(orderLines)
    .set({
      cancelledQuantity: next.cancelledQuantity,
      allocatedQuantity: 0,
      status: lineStatusFor(next, { preorderHold: false, closedAs: options.closedAs }),
      ...(options.swappedToLineId === undefined ? {} : { swappedToLineId: options.swappedToLineId }),
      cancelledAt: options.now,
      consentDeadline: null,
      updatedAt: options.now,
    })
    .where(eq(orderLines.id, line.id));
  return { units, promised: line.allocatedQuantity };
}

/** Gives units promised to closed lines back to their SKUs' free stock (SKU id → units). */
export async function releasePromised(tx: Tx, promised: ReadonlyMap<string, number>, now: Date): Promise<void> {
  for (const [skuId, units] of promised) {
    if (units === 0) continue;
    await tx
      .update(skus)
      .set({ allocated: sql`${skus.allocated} - ${units}`, updatedAt: now })
      .where(eq(skus.id, skuId));
  }
}

/** Marks the order closed (for view-link expiry) once no line has open units, and reopens it otherwise. */
export async function closeOrderIfDone(tx: Tx, orderId: string, now: Date): Promise<void> {
  await tx.execute(sql`
    update orders o set closed_at = case
      when exists (select 1 from order_lines l where l.order_id = o.id and l.status in ${sqlStatuses(openStatuses)}) then null
      else coalesce(o.closed_at, ${now.toISOString()}::timestamptz) end
    where o.id = ${orderId}`);
}

/** What the audit log keeps of a line before and after a change. */
export function lineSnapshot(l: OrderLine) {
  return {
    id: l.id,
    sku: l.skuCode,
    quantity: l.quantity,
    allocated: l.allocatedQuantity,
    shipped: l.shippedQuantity,
    cancelled: l.cancelledQuantity,
    status: l.status,
  };
}
