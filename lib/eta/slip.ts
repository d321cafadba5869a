import { daysBetween, type IsoDate } from "../dates";

/** One received PO of a supplier: what was promised first, and when it really came. */
export type SupplierReceipt = {
  firstPromisedDate: IsoDate;
  receivedDate: IsoDate;
  shipmentMode?: string | null;
};

/** The knobs of the slip allowance, tuned by the honesty simulation (docs/eta.md). */
export type SlipRule = {
  /** Which share of past slips the window must absorb. */
  percentile: number;
  /** Below this many receipts the supplier's own history is not trusted yet. */
  minReceipts: number;
  /** Only the most recent receipts count, so a supplier that improves (or worsens) shows it. */
  recentReceipts: number;
};

export const defaultSlipRule: SlipRule = { percentile: 0.8, minReceipts: 3, recentReceipts: 20 };

/** Days a delivery came after the first promised date (negative when early). */
export function slipDays(receipt: SupplierReceipt): number {
  return daysBetween(receipt.firstPromisedDate, receipt.receivedDate);
}

/**
 * Days to add to the late end of a ship window for this supplier: the chosen percentile of its
 * recent slips (early deliveries count as no slip), or the merchant's default until the supplier
 * has enough receipts. A pure function of earlier receipts, so it can be replayed over history.
 */
export function slipAllowance(
  receiptsOldestFirst: readonly SupplierReceipt[],
  merchantDefaultDays: number,
  rule: SlipRule = defaultSlipRule,
): number {
  const recent = receiptsOldestFirst.slice(-rule.recentReceipts);
  if (recent.length < rule.minReceipts) return merchantDefaultDays;
  const slips = recent.map((r) => Math.max(0, slipDays(r))).sort((a, b) => a - b);
  return percentileOf(slips, rule.percentile);
}

/** Nearest-rank percentile of an ascending list. */
export function percentileOf(ascending: readonly number[], p: number): number {
  if (ascending.length === 0) throw new Error("percentileOf needs at least one value");
  const rank = Math.min(ascending.length, Math.max(1, Math.ceil(p * ascending.length)));
  return ascending[rank - 1]!;
}
