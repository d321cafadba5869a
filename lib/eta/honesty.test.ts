import { describe, expect, it } from "vitest";
import { firstPromise, honestyFigures, type ShippedLine } from "./honesty";

const line = (overrides: Partial<ShippedLine>): ShippedLine => ({
  lineId: 1,
  supplierId: "s",
  placedOn: "2026-03-01",
  shippedOn: "2026-03-20",
  waited: true,
  firstStart: "2026-03-18",
  firstEnd: "2026-03-22",
  historyFirstStart: "2026-03-18",
  historyFirstEnd: "2026-03-22",
  everUnknown: false,
  changes: 0,
  revisions: 0,
  pushes: 0,
  singleDate: "2026-03-18",
  singleDateChanges: 0,
  singleDatePushes: 0,
  ...overrides,
});

describe("honestyFigures", () => {
  it("counts a line inside, before or after its first window, and leaves out lines that never waited", () => {
    const lines = [
      line({ lineId: 1, shippedOn: "2026-03-18" }),
      line({ lineId: 2, shippedOn: "2026-03-22" }),
      line({ lineId: 3, shippedOn: "2026-03-17" }),
      line({ lineId: 4, shippedOn: "2026-03-25", changes: 3, revisions: 2, pushes: 1, everUnknown: true }),
      line({ lineId: 5, shippedOn: "2026-03-30", waited: false }),
    ];
    const ours = honestyFigures(lines, "ours");
    expect(ours).toMatchObject({
      lines: 4,
      hit: 0.5,
      early: 0.25,
      late: 0.25,
      medianWidth: 5,
      changesPerLine: 0.75,
      revisionsPerLine: 0.5,
      pushesPerLine: 0.25,
      noDateShare: 0.25,
    });
    // Middles are Mar 20: errors 2, 2, 3 and 5 days.
    expect(ours.meanAbsError).toBe(3);
  });

  it("scores the single-date baseline on its own date and changes", () => {
    const lines = [
      line({ shippedOn: "2026-03-18", singleDateChanges: 1 }),
      line({ shippedOn: "2026-03-19", singleDateChanges: 2 }),
    ];
    expect(honestyFigures(lines, "single_date")).toMatchObject({
      lines: 2,
      hit: 0.5,
      late: 0.5,
      medianWidth: 1,
      meanAbsError: 0.5,
      changesPerLine: 1.5,
    });
  });

  it("gives the fixed promise 2 to 4 weeks from the order day, never changed", () => {
    expect(firstPromise(line({ placedOn: "2026-03-01" }), "two_to_four_weeks")).toEqual(["2026-03-15", "2026-03-29"]);
    const figures = honestyFigures(
      [line({ shippedOn: "2026-03-14" }), line({ shippedOn: "2026-03-29" })],
      "two_to_four_weeks",
    );
    expect(figures).toMatchObject({ hit: 0.5, early: 0.5, medianWidth: 15, changesPerLine: 0, noDateShare: 0 });
  });
});
