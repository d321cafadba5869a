import { describe, expect, it } from "vitest";
import { addDays } from "../dates";
import {
  defaultSlipRule,
  slipDays,
  slipEstimate,
  slipSentence,
  weightedQuantile,
  type SupplierHistory,
  type SupplierReceipt,
} from "./slip";

// Receipts one every `every` days ending the day before `asOf`, with these slips, oldest first.
const asOf = "2026-06-01";
function history(slips: number[], mode = "Air", every = 7): SupplierReceipt[] {
  return slips.map((slip, i) => {
    const receivedDate = addDays(asOf, -1 - (slips.length - 1 - i) * every);
    return { firstPromisedDate: addDays(receivedDate, -slip), receivedDate, shipmentMode: mode };
  });
}
const estimate = (supplier: SupplierHistory, shipmentMode: string | null = "Air", pooled: SupplierReceipt[] = []) =>
  slipEstimate({ supplier, pooled, shipmentMode, asOf }, 5);

describe("slipEstimate", () => {
  it("spans the supplier's usual slips in the PO's mode: early ones open it early, late ones close it late", () => {
    const w = estimate({
      receipts: history([-3, 0, 2, -1, 3, 1, 0, 0, 1, 2, 0, -2, 0, 1, 0, 0, 2, 0, 1, 0]),
      overdue: [],
    });
    // A steady spread has shown its whole range: no margin beyond it.
    expect([w.basis, w.floorDays, w.lateDays, w.allowanceDays]).toEqual(["supplier_mode", -2, 2, 2]);
    // Reliably late: the window starts late too.
    const late = estimate({ receipts: history([5, 7, 10, 6, 9, 8, 7, 6]), overdue: [] });
    expect([late.floorDays, late.allowanceDays]).toEqual([5, 10]);
  });

  it("adds the margin only to a heavy late tail: spells of lateness may grow, a steady range does not", () => {
    const spells = estimate({ receipts: history([0, 0, 0, 1, 0, 0, 0, 0, 0, 22, 0, 26, 0, 30]), overdue: [] });
    expect(spells.lateDays).toBeGreaterThan(defaultSlipRule.marginTailDays);
    expect(spells.allowanceDays).toBe(spells.lateDays + defaultSlipRule.lateMarginDays);
    const steady = estimate({ receipts: history([5, 7, 10, 6, 9, 8, 7, 6]), overdue: [] });
    expect(steady.allowanceDays).toBe(steady.lateDays);
  });

  it("never ends before the supplier's own date", () => {
    expect(estimate({ receipts: history([-6, -5, -4]), overdue: [] })).toMatchObject({
      floorDays: -6,
      allowanceDays: 0,
    });
  });

  it("widens the windows of a supplier that starts slipping within a few deliveries", () => {
    const punctual = Array.from({ length: 30 }, () => 0);
    expect(estimate({ receipts: history(punctual), overdue: [] }).allowanceDays).toBe(0);
    // A single month-late one-off among punctual deliveries weighs too little to stretch every window...
    expect(estimate({ receipts: history([...punctual, 30, 0, 0, 0, 0, 0]), overdue: [] }).allowanceDays).toBe(0);
    // ...but late deliveries now are seen at once: the freshest receipts weigh the most (the old
    // fence set them aside until most deliveries were late).
    for (const slipping of [[8], [8, 9], [8, 9, 10]])
      expect(
        estimate({ receipts: history([...punctual, ...slipping]), overdue: [] }).allowanceDays,
      ).toBeGreaterThanOrEqual(8);
  });

  it("weighs recent receipts more by time, not by count: a year-old late spell fades", () => {
    const lateLastYear = history([20, 21, 22, 20, 21], "Air", 1).map((r) => ({
      ...r,
      firstPromisedDate: addDays(r.firstPromisedDate, -300),
      receivedDate: addDays(r.receivedDate, -300),
    }));
    const recent = history(Array.from({ length: 20 }, () => 0));
    expect(estimate({ receipts: [...lateLastYear, ...recent], overdue: [] }).allowanceDays).toBe(0);
    // The same late spell last month still counts.
    const lateLastMonth = lateLastYear.map((r) => ({
      ...r,
      firstPromisedDate: addDays(r.firstPromisedDate, 270),
      receivedDate: addDays(r.receivedDate, 270),
    }));
    expect(estimate({ receipts: [...lateLastMonth, ...recent], overdue: [] }).allowanceDays).toBeGreaterThanOrEqual(20);
  });

  it("makes the next PO's window reach at least as far as a PO of the supplier already 10 days overdue", () => {
    const receipts = history(Array.from({ length: 20 }, () => 0));
    expect(estimate({ receipts, overdue: [] }).allowanceDays).toBe(0);
    const w = estimate({ receipts, overdue: [{ firstPromisedDate: addDays(asOf, -10), shipmentMode: "Air" }] });
    expect(w.allowanceDays).toBeGreaterThanOrEqual(10);
    expect([w.overdueDays, w.stretchedByOverdue]).toEqual([10, true]);
    // With no history at all, the overdue PO still reaches past the merchant default.
    expect(estimate({ receipts: [], overdue: [{ firstPromisedDate: addDays(asOf, -10) }] }).allowanceDays).toBe(14);
  });

  it("falls back from a mode with no history to the supplier, then to every supplier, then the merchant default", () => {
    const air = history([0, 0, 1, 0, 2, 0, 0, 1, 0, 0], "Air");
    const ocean = estimate({ receipts: air, overdue: [] }, "Ocean");
    expect([ocean.basis, ocean.lateDays]).toEqual(["supplier", 2]);
    const pooled = history([0, 12, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "Ocean");
    const newcomer = estimate({ receipts: [], overdue: [] }, "Ocean", pooled);
    expect([newcomer.basis, newcomer.lateDays]).toEqual(["pooled", 3]);
    const nothing = estimate({ receipts: [], overdue: [] }, "Ocean");
    expect([nothing.basis, nothing.floorDays, nothing.allowanceDays]).toEqual(["default", 0, 5]);
    // Modes match whatever the case and spacing the merchant's system sends.
    expect(estimate({ receipts: air, overdue: [] }, " air ").basis).toBe("supplier_mode");
  });

  it("reads no receipt older than the lookback", () => {
    const old = history([30, 30, 30, 30], "Air", 1).map((r) => ({
      ...r,
      firstPromisedDate: addDays(r.firstPromisedDate, -defaultSlipRule.lookbackDays - 5),
      receivedDate: addDays(r.receivedDate, -defaultSlipRule.lookbackDays - 5),
    }));
    expect(estimate({ receipts: old, overdue: [] }).basis).toBe("default");
  });

  it("measures slip in whole days", () => {
    expect(slipDays({ firstPromisedDate: "2026-02-27", receivedDate: "2026-03-02" })).toBe(3);
    expect(slipDays({ firstPromisedDate: "2026-03-02", receivedDate: "2026-02-27" })).toBe(-3);
  });

  it("takes weighted quantiles", () => {
    const v = (slip: number, weight = 1) => ({ slip, weight });
    expect(weightedQuantile([v(1), v(2), v(3), v(4)], 0.5)).toBe(2);
    expect(weightedQuantile([v(1), v(2), v(3), v(10, 4)], 0.5)).toBe(10);
    expect(weightedQuantile([v(4)], 0)).toBe(4);
    expect(() => weightedQuantile([], 0.5)).toThrow();
  });
});

describe("slipSentence", () => {
  it("says in one sentence what the window rests on", () => {
    const receipts = history([0, 6, 0, 0, 0, 0, 5, 0, 0, 6, 0, 0, 0, 4, 0, 0, 0, 0, 6, 0]);
    const w = estimate({ receipts, overdue: [] });
    expect(slipSentence(w, "Air")).toBe(
      "This supplier's air shipments have arrived up to 6 days late over the last year, so we allow 9 days.",
    );
    const overdue = estimate({ receipts, overdue: [{ firstPromisedDate: addDays(asOf, -10), shipmentMode: "Air" }] });
    expect(slipSentence(overdue, "Air")).toBe(
      "One of this supplier's orders is already 10 days late, so we allow up to 14 days.",
    );
    expect(slipSentence(estimate({ receipts: [], overdue: [] }), null)).toBe(
      "This supplier is new to us, so we allow a few days' margin.",
    );
  });
});
