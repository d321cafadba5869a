import { describe, expect, it } from "vitest";
import { etaHonesty } from "./honesty";

describe("ETA honesty", () => {
  it("counts lines shipped inside the first window and the median slip, per group", () => {
    const figures = etaHonesty([
      { group: "Punctual", firstShipStart: "2026-12-01", firstShipEnd: "2026-12-03", shippedOn: "2026-12-01" },
      { group: "Punctual", firstShipStart: "2026-12-01", firstShipEnd: "2026-12-03", shippedOn: "2026-12-03" },
      { group: "Punctual", firstShipStart: "2026-12-01", firstShipEnd: "2026-12-03", shippedOn: "2026-11-30" },
      { group: "Late", firstShipStart: "2026-12-01", firstShipEnd: "2026-12-02", shippedOn: "2026-12-09" },
      { group: "Late", firstShipStart: "2026-12-01", firstShipEnd: "2026-12-02", shippedOn: "2026-12-02" },
      { group: "Late", firstShipStart: "2026-12-01", firstShipEnd: "2026-12-02", shippedOn: "2026-12-06" },
      { group: "Late", firstShipStart: "2026-12-01", firstShipEnd: "2026-12-02", shippedOn: "2026-12-12" },
    ]);
    expect(figures).toEqual([
      { group: "Late", shipped: 4, insideFirstWindow: 0.25, medianSlipDays: 5.5, lateShare: 0.75, earlyShare: 0 },
      { group: "Punctual", shipped: 3, insideFirstWindow: 2 / 3, medianSlipDays: -2, lateShare: 0, earlyShare: 1 / 3 },
    ]);
  });
  it("has nothing to say without shipped lines", () => {
    expect(etaHonesty([])).toEqual([]);
  });
});
