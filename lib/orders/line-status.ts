import type { LineStatus } from "../db/schema/orders";

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
