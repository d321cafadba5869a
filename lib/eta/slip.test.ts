import { describe, expect, it } from "vitest";
import { percentileOf, slipAllowance, slipDays } from "./slip";

const receipt = (promised: string, received: string) => ({ firstPromisedDate: promised, receivedDate: received });

describe("slipAllowance", () => {
  it("uses the merchant default until the supplier has three receipts", () => {
    expect(slipAllowance([], 5)).toBe(5);
    expect(slipAllowance([receipt("2026-01-01", "2026-01-20"), receipt("2026-02-01", "2026-02-20")], 5)).toBe(5);
  });

  it("takes the 80th percentile of recent slips, early deliveries counting as none", () => {
    const receipts = [
      receipt("2026-01-01", "2025-12-28"), // 4 days early -> 0
      receipt("2026-01-10", "2026-01-10"), // 0
      receipt("2026-01-20", "2026-01-22"), // 2
      receipt("2026-02-01", "2026-02-04"), // 3
      receipt("2026-02-10", "2026-02-20"), // 10
    ];
    expect(slipAllowance(receipts, 5)).toBe(3);
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
