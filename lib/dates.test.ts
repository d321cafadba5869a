import { describe, expect, it } from "vitest";
import { dateIn, formatDay, formatShortDay } from "./dates";

describe("dateIn", () => {
  it("turns the date at each zone's midnight, also when asked again within the same minute", () => {
    // New York in winter is UTC-5; Kathmandu is UTC+5:45; Chatham in summer is UTC+13:45.
    const cases: [string, string, string, string][] = [
      ["America/New_York", "2026-12-05T04:59", "2026-12-04", "2026-12-05"],
      ["Asia/Kathmandu", "2026-12-04T18:14", "2026-12-04", "2026-12-05"],
      ["Pacific/Chatham", "2026-12-04T10:14", "2026-12-04", "2026-12-05"],
    ];
    for (const [zone, minuteBefore, before, after] of cases) {
      expect(dateIn(zone, new Date(`${minuteBefore}:00Z`)), zone).toBe(before);
      expect(dateIn(zone, new Date(`${minuteBefore}:59.999Z`)), zone).toBe(before);
      const midnight = new Date(new Date(`${minuteBefore}:00Z`).getTime() + 60_000);
      expect(dateIn(zone, midnight), zone).toBe(after);
      expect(dateIn(zone, new Date(`${minuteBefore}:30Z`)), `${zone}, back a minute`).toBe(before);
    }
  });
});

describe("formatting days", () => {
  it("says the same words for a day every time it is asked, with and without the year", () => {
    for (let i = 0; i < 3; i++) {
      expect(formatDay("2026-12-12")).toBe("Sat, Dec 12");
      expect(formatDay("2026-12-12", { year: true })).toBe("Sat, Dec 12, 2026");
      expect(formatShortDay("2026-12-12")).toBe("Dec 12");
    }
    // Past the number of days kept, the oldest are formatted anew, still right.
    for (let d = 0; d < 5000; d++) formatShortDay(new Date(Date.UTC(2020, 0, 1 + d)).toISOString().slice(0, 10));
    expect(formatShortDay("2020-01-01")).toBe("Jan 1");
    expect(formatDay("2026-12-12")).toBe("Sat, Dec 12");
  });
});
