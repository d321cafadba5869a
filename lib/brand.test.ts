import { describe, expect, it } from "vitest";
import { contrastRatio, inkOn, readableAccent } from "./brand";

describe("brand colours", () => {
  it("puts white on dark brands and dark ink on pale ones", () => {
    expect(inkOn("#0f766e")).toBe("#ffffff");
    expect(inkOn("#fde68a")).toBe("#1c1917");
  });
  it("darkens a pale accent until it passes AA on the page", () => {
    const accent = readableAccent("#fde68a");
    expect(contrastRatio(accent, "#fafaf9")).toBeGreaterThanOrEqual(4.5);
    expect(readableAccent("#0f766e")).toBe("#0f766e");
  });
  it("measures contrast like WCAG", () => {
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 0);
  });
});
