import { and, eq, inArray } from "drizzle-orm";
import type { Actor } from "../audit/actor";
import { writeAudit } from "../audit/log";
import type { DbOrTx } from "../db/client";
import { orderLines, type LineStatus } from "../db/schema/orders";
import { transaction } from "../db/transaction";
import { DomainError } from "../errors";
import { allocateFreeStock } from "../eta/allocate";
import { recomputeEta } from "../eta/recompute";
import { recordChange } from "../events/record";
import { openStatuses, waitingStatuses } from "./line-status";
import { closeOpenUnits, closeOrderIfDone, lineSnapshot, lockLines, releasePromised } from "./lines";

export type CancelResult = {
  cancelled: { lineId: number; sku: string; units: number; refundMinor: number }[];
  /** Lines asked for that were already cancelled: nothing to do, which is not an error. */
  alreadyCancelled: number[];
};

/**
 * Cancels the open units of some lines of an order (all waiting lines when `lineIds` is omitted).
 * Their place in the queue and any units promised to them are freed at once, so everyone behind
 * moves up. A line that shipped, or (unless `includeReady`) whose units are all promised and
 * being packed, is refused with a sentence: the race with the warehouse is lost cleanly.
 */
export async function cancelLines(
  db: DbOrTx,
  params: {
    merchantId: string;
    orderId: string;
    lineIds?: readonly number[];
    actor: Actor;
    now: Date;
    /** Agents acting for the merchant may also cancel lines that are ready to ship. */
    includeReady?: boolean;
    reason?: string;
    /** The event type, for cancels that are not the shopper's choice (delay consent expired). */
    eventType?: "line_cancelled" | "delay_consent_expired";
  },
): Promise<CancelResult> {
  const { merchantId, orderId, actor, now } = params;
  const cancellable: readonly LineStatus[] = params.includeReady ? openStatuses : waitingStatuses;
  return transaction(db, async (tx) => {
    const scope = and(eq(orderLines.merchantId, merchantId), eq(orderLines.orderId, orderId));
    const lines = await lockLines(
      tx,
      params.lineIds
        ? and(scope, inArray(orderLines.id, [...params.lineIds]))
        : and(scope, inArray(orderLines.status, cancellable)),
    );
    if (params.lineIds && lines.length !== new Set(params.lineIds).size) {
      throw new DomainError("not_found", "That item is not on this order.");
    }
    if (lines.length === 0) throw new DomainError("conflict", "Nothing on this order is waiting to be cancelled.");
    const skuIds = [...new Set(lines.map((l) => l.skuId))];

    const result: CancelResult = { cancelled: [], alreadyCancelled: [] };
    const released = new Map<string, number>();
    for (const line of lines) {
      if (line.status === "cancelled" || line.status === "swapped") {
        result.alreadyCancelled.push(line.id);
        continue;
      }
      if (line.status === "shipped") {
        throw new DomainError("conflict", `${line.title} has already shipped, so it can no longer be cancelled.`);
      }
      if (!cancellable.includes(line.status)) {
        throw new DomainError(
          "conflict",
          `${line.title} is already being packed, so it can no longer be cancelled here. Contact the shop if you no longer want it.`,
        );
      }
      const { units, promised } = await closeOpenUnits(tx, line, { now, closedAs: "cancelled" });
      released.set(line.skuId, (released.get(line.skuId) ?? 0) + promised);
      result.cancelled.push({ lineId: line.id, sku: line.skuCode, units, refundMinor: units * line.unitPriceMinor });
    }
    await releasePromised(tx, released, now);

    await allocateFreeStock(tx, skuIds, now);
    const etaChanges = await recomputeEta(tx, { skuIds, cause: "queue_moved", now });
    await recordChange(tx, {
      actor,
      now,
      etaChanges,
      events: result.cancelled.map((c) => ({
        merchantId,
        orderId,
        orderLineId: c.lineId,
        type: params.eventType ?? "line_cancelled",
        payload: { sku: c.sku, units: c.units, refundMinor: c.refundMinor, reason: params.reason ?? null },
      })),
    });
    await closeOrderIfDone(tx, orderId, now);
    await writeAudit(
      tx,
      actor,
      now,
      lines
        .filter((l) => result.cancelled.some((c) => c.lineId === l.id))
        .map((l) => ({
          merchantId,
          action: params.eventType === "delay_consent_expired" ? "line.cancelled_no_consent" : "line.cancelled",
          entityType: "order_line",
          entityId: l.id,
          orderId,
          before: lineSnapshot(l),
          after: {
            ...lineSnapshot(l),
            cancelled: l.quantity - l.shippedQuantity,
            allocated: 0,
            reason: params.reason ?? null,
          },
        })),
    );
    return result;
  });
}
