import { describe, expect, it } from "vitest";
import { lineStatusFor } from "./line-status";

const units = (quantity: number, allocated: number, shipped: number, cancelled: number) => ({
  quantity,
  allocatedQuantity: allocated,
  shippedQuantity: shipped,
  cancelledQuantity: cancelled,
});

describe("lineStatusFor", () => {
  it("is ready when every open unit is promised", () => {
    expect(lineStatusFor(units(3, 3, 0, 0), { preorderHold: false })).toBe("ready");
    expect(lineStatusFor(units(3, 1, 2, 0), { preorderHold: false })).toBe("ready");
  });
  it("is backordered while some open unit waits, even if others shipped", () => {
    expect(lineStatusFor(units(3, 1, 0, 0), { preorderHold: false })).toBe("backordered");
    expect(lineStatusFor(units(3, 0, 1, 0), { preorderHold: false })).toBe("backordered");
  });
  it("holds pre-orders until release", () => {
    expect(lineStatusFor(units(1, 1, 0, 0), { preorderHold: true })).toBe("preorder");
  });
  it("is shipped once nothing is open and something shipped, cancelled or swapped otherwise", () => {
    expect(lineStatusFor(units(3, 0, 1, 2), { preorderHold: false })).toBe("shipped");
    expect(lineStatusFor(units(3, 0, 0, 3), { preorderHold: false })).toBe("cancelled");
    expect(lineStatusFor(units(3, 0, 0, 3), { preorderHold: false, closedAs: "swapped" })).toBe("swapped");
  });
});
