import { daysBetween, type IsoDate } from "../dates";

/** One received PO of a supplier: what was promised first, and when it really came. */
export type SupplierReceipt = {
  firstPromisedDate: IsoDate;
  receivedDate: IsoDate;
  shipmentMode?: string | null;
};

/** The knobs of the slip window, tuned by the honesty simulation (docs/eta.md). */
export type SlipRule = {
  /** Which share of past slips the late end must absorb. */
  percentile: number;
  /**
   * Which share of past slips may come before the window opens. The window starts at this
   * percentile of the slips (early deliveries included), so a supplier that is reliably late gets
   * a window that starts late and one that often delivers early gets one that starts early.
   * Null keeps the old behaviour: the window opens on the PO's date.
   */
  floorPercentile: number | null;
  /** Below this many receipts the supplier's own history is not trusted yet. */
  minReceipts: number;
  /** Only the most recent receipts count, so a supplier that improves (or worsens) shows it. */
  recentReceipts: number;
  /**
   * Slips further than this many interquartile ranges (counted as at least one day) outside the
   * middle half of the supplier's slips are set aside before the percentiles are taken: one
   * delivery a month late among punctual ones does not widen every window by a month. A supplier
   * that is that late often has a wide middle half, so its lateness is not set aside. Null keeps
   * every slip.
   */
  outlierIqrs: number | null;
};

/**
 * Tuned on the honesty simulation and the real delivery history (docs/eta.md): the window spans
 * the whole range of the supplier's last 20 deliveries, far-out one-offs set aside. With 20 past
 * slips, their full range holds the next one about 19 times in 21; a narrower percentile of so
 * few misses more often than its name says.
 */
export const defaultSlipRule: SlipRule = {
  percentile: 1,
  floorPercentile: 0,
  minReceipts: 3,
  recentReceipts: 20,
  outlierIqrs: 3,
};

/** Days from a PO's date to the first and last day its goods are expected: the window the PO opens. */
export type SlipWindow = { floorDays: number; allowanceDays: number };

/** Days a delivery came after the first promised date (negative when early). */
export function slipDays(receipt: SupplierReceipt): number {
  return daysBetween(receipt.firstPromisedDate, receipt.receivedDate);
}

/**
 * Where a PO's goods are expected relative to its date, from the supplier's recent receipts:
 * the late end is the rule's percentile of the slips (early deliveries counting as none, so the
 * window never closes before the date the supplier gave), the start is the floor percentile of
 * the slips as they were (or the PO's date). Until the supplier has enough receipts, the
 * merchant's default: from the PO's date to that many days after. A pure function of earlier
 * receipts, so it can be replayed over history.
 */
export function slipWindow(
  receiptsOldestFirst: readonly SupplierReceipt[],
  merchantDefaultDays: number,
  rule: SlipRule = defaultSlipRule,
): SlipWindow {
  const recent = receiptsOldestFirst.slice(-rule.recentReceipts);
  if (recent.length < rule.minReceipts) return { floorDays: 0, allowanceDays: merchantDefaultDays };
  const slips = withoutOutliers(
    recent.map(slipDays).sort((a, b) => a - b),
    rule.outlierIqrs,
  );
  const allowanceDays = Math.max(0, percentileOf(slips, rule.percentile));
  const floorDays =
    rule.floorPercentile === null ? 0 : Math.min(allowanceDays, percentileOf(slips, rule.floorPercentile));
  return { floorDays, allowanceDays };
}

/** Days to add to the late end of a ship window for this supplier (see `slipWindow`). */
export function slipAllowance(
  receiptsOldestFirst: readonly SupplierReceipt[],
  merchantDefaultDays: number,
  rule: SlipRule = defaultSlipRule,
): number {
  return slipWindow(receiptsOldestFirst, merchantDefaultDays, rule).allowanceDays;
}

/** The ascending slips inside the fences (Tukey's: quartiles widened by `iqrs` interquartile ranges). */
export function withoutOutliers(ascending: readonly number[], iqrs: number | null): number[] {
  if (iqrs === null) return [...ascending];
  const q1 = percentileOf(ascending, 0.25);
  const q3 = percentileOf(ascending, 0.75);
  const reach = iqrs * Math.max(1, q3 - q1);
  return ascending.filter((slip) => slip >= q1 - reach && slip <= q3 + reach);
}

/** Nearest-rank percentile of an ascending list (p = 0 is the smallest value). */
export function percentileOf(ascending: readonly number[], p: number): number {
  if (ascending.length === 0) throw new Error("percentileOf needs at least one value");
  const rank = Math.min(ascending.length, Math.max(1, Math.ceil(p * ascending.length)));
  return ascending[rank - 1]!;
}
