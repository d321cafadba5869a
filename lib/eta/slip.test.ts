import { describe, expect, it } from "vitest";
import { addDays } from "../dates";
import { percentileOf, slipAllowance, slipDays, slipWindow } from "./slip";

const receipt = (promised: string, received: string) => ({ firstPromisedDate: promised, receivedDate: received });

describe("slipAllowance", () => {
  it("uses the merchant default until the supplier has three receipts", () => {
    expect(slipAllowance([], 5)).toBe(5);
    expect(slipAllowance([receipt("2026-01-01", "2026-01-20"), receipt("2026-02-01", "2026-02-20")], 5)).toBe(5);
  });

  it("takes the 80th percentile of recent slips under the starting rule, early deliveries counting as none", () => {
    const starting = { percentile: 0.8, floorPercentile: null, minReceipts: 3, recentReceipts: 20, outlierIqrs: null };
    const receipts = [
      receipt("2026-01-01", "2025-12-28"), // 4 days early -> 0
      receipt("2026-01-10", "2026-01-10"), // 0
      receipt("2026-01-20", "2026-01-22"), // 2
      receipt("2026-02-01", "2026-02-04"), // 3
      receipt("2026-02-10", "2026-02-20"), // 10
    ];
    expect(slipAllowance(receipts, 5, starting)).toBe(3);
    // The tuned rule spans the whole range: the 10-day slip is not far enough out to set aside.
    expect(slipAllowance(receipts, 5)).toBe(10);
  });

  it("forgets receipts older than the recent ones", () => {
    const old = Array.from({ length: 10 }, () => receipt("2025-01-01", "2025-02-01"));
    const punctual = Array.from({ length: 20 }, () => receipt("2026-01-01", "2026-01-01"));
    expect(slipAllowance([...old, ...punctual], 5)).toBe(0);
    expect(slipAllowance([...punctual, ...old], 5)).toBe(31);
  });

  it("measures slip in whole days", () => {
    expect(slipDays(receipt("2026-02-27", "2026-03-02"))).toBe(3);
    expect(slipDays(receipt("2026-03-02", "2026-02-27"))).toBe(-3);
  });

  it("ranks percentiles by nearest rank", () => {
    expect(percentileOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.8)).toBe(8);
    expect(percentileOf([4], 0.8)).toBe(4);
    expect(() => percentileOf([], 0.5)).toThrow();
  });
});

describe("slipWindow", () => {
  const slips = (...days: number[]) => days.map((d) => receipt("2026-01-10", addDays("2026-01-10", d)));

  it("spans the range of the supplier's usual slips: early ones open it early, late ones close it late", () => {
    expect(slipWindow(slips(-3, 0, 2, -1, 3, 1), 5)).toEqual({ floorDays: -3, allowanceDays: 3 });
    // Reliably late: the window starts late too.
    expect(slipWindow(slips(5, 7, 10, 6, 9), 5)).toEqual({ floorDays: 5, allowanceDays: 10 });
  });

  it("sets a one-off month-late delivery aside, but not a supplier that is often that late", () => {
    const punctual = Array.from({ length: 18 }, () => 0);
    expect(slipWindow(slips(...punctual, 30, 0), 5)).toEqual({ floorDays: 0, allowanceDays: 0 });
    expect(slipWindow(slips(0, 30, 0, 28, 0, 31, 0, 30), 5)).toEqual({ floorDays: 0, allowanceDays: 31 });
  });

  it("never ends before the supplier's own date, and keeps the old rule when asked", () => {
    expect(slipWindow(slips(-6, -5, -4), 5)).toEqual({ floorDays: -6, allowanceDays: 0 });
    const old = { percentile: 0.8, floorPercentile: null, minReceipts: 3, recentReceipts: 20, outlierIqrs: null };
    expect(slipWindow(slips(-4, 0, 2, 3, 10), 5, old)).toEqual({ floorDays: 0, allowanceDays: 3 });
    expect(slipWindow(slips(1, 2), 5, old)).toEqual({ floorDays: 0, allowanceDays: 5 });
  });
});
