import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "../../lib/dates";
import { cutoffDays, replayStrict, type Delivery } from "./replay";

// A small delivery history: three vendors, two modes, scheduled dates over a year, slips from
// three months early to three months late, in scheduled order as the shared file is.
const delivery = fc.record({
  vendor: fc.constantFrom("A", "B", "C"),
  mode: fc.constantFrom("Air", "Truck"),
  scheduledDay: fc.integer({ min: 0, max: 365 }),
  slip: fc.oneof(fc.constant(0), fc.integer({ min: -90, max: 90 })),
});
const history = fc.array(delivery, { minLength: 1, maxLength: 80 }).map((rows) =>
  rows
    .map((r, i) => {
      const scheduled = addDays("2010-01-01", r.scheduledDay);
      return {
        id: String(i),
        vendor: r.vendor,
        mode: r.mode,
        poSent: null,
        scheduled,
        delivered: addDays(scheduled, r.slip),
      };
    })
    .sort((a, b) => a.scheduled.localeCompare(b.scheduled) || Number(a.id) - Number(b.id)),
);

describe("eta:replay has no look-ahead", () => {
  it("a row's window does not change when rows delivered after its cut-off are delivered on other days after it", () => {
    fc.assert(
      fc.property(
        history,
        fc.nat(),
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 80, maxLength: 80 }),
        (rows, pick, later) => {
          const row = rows[pick % rows.length]!;
          const cutoff = addDays(row.scheduled, -cutoffDays);
          const changed: Delivery[] = rows.map((r, i) =>
            r.delivered >= cutoff ? { ...r, delivered: addDays(cutoff, later[i]!) } : r,
          );
          const windowOf = (rs: Delivery[]) => replayStrict(rs).find((w) => w.id === row.id)!;
          const [before, after] = [windowOf(rows), windowOf(changed)];
          expect([after.startDays, after.endDays, after.basis]).toEqual([
            before.startDays,
            before.endDays,
            before.basis,
          ]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a delivery made before the cut-off does inform the window (the test above can fail)", () => {
    const rows: Delivery[] = ["2010-01-01", "2010-01-08", "2010-01-15", "2010-03-01"].map((scheduled, i) => ({
      id: String(i),
      vendor: "A",
      mode: "Air",
      poSent: null,
      scheduled,
      delivered: i < 3 ? addDays(scheduled, 20) : scheduled,
    }));
    const last = replayStrict(rows).at(-1)!;
    expect([last.basis, last.endDays]).toEqual(["supplier_mode", 20]);
    // Delivered a day after the last row's cut-off instead, they were only POs overdue then (by up
    // to 45 days): no receipts, the merchant default stretched to whole weeks past the most overdue.
    const late = rows.map((r, i) => (i < 3 ? { ...r, delivered: addDays("2010-03-01", -cutoffDays + 1) } : r));
    const censored = replayStrict(late).at(-1)!;
    expect([censored.basis, censored.endDays]).toEqual(["default", 49]);
  });
});
