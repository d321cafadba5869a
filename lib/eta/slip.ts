import { daysBetween, type IsoDate } from "../dates";

/** One received PO of a supplier: what was promised first, and when it really came. */
export type SupplierReceipt = {
  firstPromisedDate: IsoDate;
  receivedDate: IsoDate;
  shipmentMode?: string | null;
};

/**
 * A PO of the supplier that was due and had not come by the day the window is drawn: it is at
 * least `asOf − firstPromisedDate` days late (a right-censored slip), the freshest evidence that a
 * supplier is slipping.
 */
export type OverduePo = { firstPromisedDate: IsoDate; shipmentMode?: string | null };

/** What was known about a supplier on a day: its receipts up to then and its POs overdue then. */
export type SupplierHistory = { receipts: readonly SupplierReceipt[]; overdue: readonly OverduePo[] };

/** The knobs of the slip model, tuned walking forward over real deliveries (docs/eta.md). */
export type SlipRule = {
  /** The weighted share of past slips the late end must absorb. */
  lateQuantile: number;
  /** The weighted share of past slips allowed to come before the window opens. */
  earlyQuantile: number;
  /** Days added beyond the late quantile, when it is late at all: a supplier that has slipped may slip a little more. */
  lateMarginDays: number;
  /**
   * The margin is added only when the late end lies more than this many days past the weighted
   * median slip: a heavy tail (spells of lateness) may grow; a steady one (always 5–10 days late,
   * or ±3 days) has shown its whole range and gets none.
   */
  marginTailDays: number;
  /** A receipt this many days old weighs half as much as one received today. */
  halfLifeDays: number;
  /** Receipts older than this are not read at all. */
  lookbackDays: number;
  /**
   * An open PO further past its date than this is not read: it is lost or waiting on something
   * other than the supplier's pace, and would stretch every window by months.
   */
  overdueMaxDays: number;
  /** An open PO counts as overdue evidence from this many days past its date: a day or two is noise. */
  overdueMinDays: number;
  /** 1: an overdue PO stretches only windows of its own shipment mode; 0: every window of its supplier. */
  overdueSameMode: number;
  /** Below this many receipts in the lookback, a level (supplier and mode, then supplier) is not trusted; the next one is. */
  minReceipts: number;
};

/**
 * Tuned walking forward over the 2006–2012 deliveries (docs/eta.md, `npm run eta:replay`).
 * Recent receipts weigh more, by time rather than count, and no slip is set aside as an outlier:
 * a one-off month-late delivery among punctual ones weighs too little to move a high quantile for
 * long, while two or three recent late ones do, so a supplier that starts slipping is seen within
 * a few deliveries.
 */
export const defaultSlipRule: SlipRule = {
  lateQuantile: 0.95,
  earlyQuantile: 0.05,
  lateMarginDays: 3,
  marginTailDays: 3,
  halfLifeDays: 90,
  lookbackDays: 365,
  minReceipts: 3,
  overdueMaxDays: 60,
  overdueMinDays: 7,
  overdueSameMode: 1,
};

/** Whose history a window was drawn from, most specific first. */
export type SlipBasis = "supplier_mode" | "supplier" | "pooled" | "default";

/** Days from a PO's date to the first and last day its goods are expected: the window the PO opens. */
export type SlipWindow = { floorDays: number; allowanceDays: number };

/** A window with what it rests on, enough to say it in one sentence (`slipSentence`). */
export type SlipEstimate = SlipWindow & {
  basis: SlipBasis;
  /** Receipts the window was drawn from. */
  receipts: number;
  /** The late quantile of the receipts read (no margin, none early): how late they have come. */
  lateDays: number;
  /** Days the most overdue open PO read is already late, and whether that, not the receipts, set the late end. */
  overdueDays: number | null;
  stretchedByOverdue: boolean;
  lookbackDays: number;
};

/** Days a delivery came after the first promised date (negative when early). */
export function slipDays(receipt: SupplierReceipt): number {
  return daysBetween(receipt.firstPromisedDate, receipt.receivedDate);
}

type Weighted = { slip: number; weight: number };

/** The weighted receipts of a level inside the lookback, by age on `asOf`. */
function weighted(receipts: readonly SupplierReceipt[], asOf: IsoDate, rule: SlipRule): Weighted[] {
  const out: Weighted[] = [];
  for (const r of receipts) {
    // A receipt dated after `asOf` (a merchant's system may send the day goods are booked in
    // ahead) is as fresh as can be; the replay never passes one.
    const age = Math.max(0, daysBetween(r.receivedDate, asOf));
    if (age > rule.lookbackDays) continue;
    out.push({ slip: slipDays(r), weight: Math.pow(0.5, age / rule.halfLifeDays) });
  }
  return out;
}

/** The smallest slip whose cumulative weight reaches `q` of the total (q = 0: the smallest). */
export function weightedQuantile(values: readonly Weighted[], q: number): number {
  if (values.length === 0) throw new Error("weightedQuantile needs at least one value");
  const sorted = [...values].sort((a, b) => a.slip - b.slip);
  const total = sorted.reduce((t, v) => t + v.weight, 0);
  let through = 0;
  for (const v of sorted) {
    through += v.weight;
    if (through >= q * total - 1e-9) return v.slip;
  }
  return sorted[sorted.length - 1]!.slip;
}

const sameMode = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? "").trim().toLowerCase() === (b ?? "").trim().toLowerCase();

/**
 * Where a PO's goods are expected relative to its date, on `asOf`: the late end is a high weighted
 * quantile of its supplier's recent slips with the same shipment mode (early deliveries counting as
 * none, so the window never closes before the date the supplier gave), the start a low one. With too
 * few such receipts, the supplier's slips in every mode; then every supplier's (`pooled`); then the
 * merchant's default, from the PO's date to that many days after. A PO of the supplier already
 * overdue by d days stretches the late end to at least d (rounded up to whole weeks): it has not
 * come yet, so the next one may not either. A pure function of what was known on `asOf`, so it can be replayed over history.
 */
export function slipEstimate(
  input: {
    supplier: SupplierHistory;
    /** Every supplier's receipts (the merchant's), the prior for a supplier with too few; read only then. */
    pooled: readonly SupplierReceipt[] | (() => readonly SupplierReceipt[]);
    shipmentMode: string | null | undefined;
    asOf: IsoDate;
  },
  merchantDefaultDays: number,
  rule: SlipRule = defaultSlipRule,
): SlipEstimate {
  const { supplier, shipmentMode, asOf } = input;
  const overdue = supplier.overdue
    // An overdue PO of unknown mode counts for every mode.
    .filter(
      (po) => !rule.overdueSameMode || !shipmentMode || !po.shipmentMode || sameMode(po.shipmentMode, shipmentMode),
    )
    .map((po) => daysBetween(po.firstPromisedDate, asOf))
    .filter((days) => days >= rule.overdueMinDays && days <= rule.overdueMaxDays)
    .reduce<number | null>((most, days) => (most === null || days > most ? days : most), null);
  // In whole weeks, so a window stretched by an overdue PO moves once a week, not every day it stays away.
  const stretch = overdue === null ? 0 : Math.ceil(overdue / 7) * 7;
  const levels: [SlipBasis, () => readonly SupplierReceipt[]][] = [
    [
      "supplier_mode",
      () => (shipmentMode ? supplier.receipts.filter((r) => sameMode(r.shipmentMode, shipmentMode)) : []),
    ],
    ["supplier", () => supplier.receipts],
    ["pooled", typeof input.pooled === "function" ? input.pooled : () => input.pooled as readonly SupplierReceipt[]],
  ];
  for (const [basis, receipts] of levels) {
    const slips = weighted(receipts(), asOf, rule);
    if (slips.length < rule.minReceipts) continue;
    const late = weightedQuantile(slips, rule.lateQuantile);
    const heavyTail = late - weightedQuantile(slips, 0.5) > rule.marginTailDays;
    const fromHistory = Math.max(0, late > 0 && heavyTail ? late + rule.lateMarginDays : late);
    const allowanceDays = Math.max(fromHistory, stretch);
    const floorDays = Math.min(allowanceDays, weightedQuantile(slips, rule.earlyQuantile));
    return {
      floorDays,
      allowanceDays,
      basis,
      receipts: slips.length,
      lateDays: Math.max(0, late),
      stretchedByOverdue: stretch > fromHistory,
      overdueDays: overdue,
      lookbackDays: rule.lookbackDays,
    };
  }
  return {
    floorDays: 0,
    allowanceDays: Math.max(merchantDefaultDays, stretch),
    basis: "default",
    receipts: 0,
    lateDays: 0,
    stretchedByOverdue: stretch > merchantDefaultDays,
    overdueDays: overdue,
    lookbackDays: rule.lookbackDays,
  };
}

/**
 * The window in one sentence for the order page: "This supplier's air shipments have arrived up to
 * 6 days late over the last year, so we allow 9 days."
 */
export function slipSentence(estimate: SlipEstimate, shipmentMode: string | null | undefined): string {
  if (estimate.stretchedByOverdue)
    return `One of this supplier's orders is already ${days(estimate.overdueDays!)} late, so we allow up to ${days(estimate.allowanceDays)}.`;
  if (estimate.basis === "default") return "This supplier is new to us, so we allow a few days' margin.";
  const since =
    estimate.lookbackDays >= 360 ? "the last year" : `the last ${Math.round(estimate.lookbackDays / 30)} months`;
  const whose =
    estimate.basis === "supplier_mode" && shipmentMode
      ? `This supplier's ${shipmentMode.trim().toLowerCase()} shipments have`
      : estimate.basis === "pooled"
        ? "Our suppliers' shipments have"
        : "This supplier's shipments have";
  if (estimate.allowanceDays === 0) return `${whose} arrived on time or early over ${since}.`;
  const record = `${whose} arrived up to ${days(estimate.lateDays)} late over ${since}`;
  return estimate.allowanceDays > estimate.lateDays
    ? `${record}, so we allow ${days(estimate.allowanceDays)}.`
    : `${record}.`;
}

const days = (n: number) => (n === 1 ? "1 day" : `${n} days`);
