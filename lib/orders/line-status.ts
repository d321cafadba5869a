import { sql, type SQL } from "drizzle-orm";
import type { LineStatus } from "../db/schema/orders";

// A line's status and the sets of statuses the rest of the code asks about, named once here:
// in TypeScript (`isWaiting(line.status)`) and in SQL (`l.status in ${sqlStatuses(waitingStatuses)}`).

/** Waiting for stock: backordered, or a pre-order held until its release. */
export const waitingStatuses = ["backordered", "preorder"] as const satisfies readonly LineStatus[];
/** Still to ship: waiting, or ready (every open unit promised, being packed). */
export const openStatuses = ["backordered", "preorder", "ready"] as const satisfies readonly LineStatus[];
/** Nothing left to ship. */
export const closedStatuses = ["shipped", "cancelled", "swapped"] as const satisfies readonly LineStatus[];

export type WaitingStatus = (typeof waitingStatuses)[number];
export type OpenStatus = (typeof openStatuses)[number];

export const isWaiting = (status: LineStatus): status is WaitingStatus =>
  (waitingStatuses as readonly LineStatus[]).includes(status);
export const isOpen = (status: LineStatus): status is OpenStatus =>
  (openStatuses as readonly LineStatus[]).includes(status);

/** A set as an SQL list, `('backordered','preorder')`: constants only, never input. */
export function sqlStatuses(statuses: readonly LineStatus[]): SQL {
  return sql.raw(`(${statuses.map((s) => `'${s}'`).join(",")})`);
}

export type LineUnits = {
  quantity: number;
  allocatedQuantity: number;
  shippedQuantity: number;
  cancelledQuantity: number;
};

/** Units still to ship: neither shipped nor cancelled. */
export function openUnits(line: LineUnits): number {
  return line.quantity - line.shippedQuantity - line.cancelledQuantity;
}

/**
 * The status that sums a line's units up for people. `preorderHold` is true while the SKU is a
 * pre-order whose release date is still ahead; `closedAs` says how a line with no open units
 * ended when none of it shipped (cancelled, or swapped for another SKU).
 */
export function lineStatusFor(
  line: LineUnits,
  options: { preorderHold: boolean; closedAs?: "cancelled" | "swapped" },
): LineStatus {
  const open = openUnits(line);
  if (open === 0) return line.shippedQuantity > 0 ? "shipped" : (options.closedAs ?? "cancelled");
  if (options.preorderHold) return "preorder";
  return line.allocatedQuantity === open ? "ready" : "backordered";
}
