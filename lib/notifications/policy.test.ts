import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { addDays } from "../dates";
import { classifyFailure } from "../email/transports";
import {
  classifyEtaChange,
  consentDeadlineFor,
  decideEtaUpdate,
  delayFor,
  maxSendAttempts,
  missesPromise,
  nextAttempt,
  wantsEtaUpdates,
  type LineState,
  type ShipWindow,
} from "./policy";
import { startOfDayIn } from "../dates";
import { endOfDayIn, formatDeadline } from "./time";

const now = new Date("2026-11-10T15:00:00Z");
const today = "2026-11-10";
const zone = "America/New_York";
const line = (overrides: Partial<LineState> = {}): LineState => ({
  id: 1,
  title: "Trail Jacket",
  status: "backordered",
  shipStart: "2026-11-20",
  shipEnd: "2026-11-24",
  promisedShipEnd: "2026-11-24",
  consentState: "none",
  ...overrides,
});
const decide = (
  lines: LineState[],
  baselines: [number, ShipWindow][],
  options: { threshold?: number; wanted?: boolean } = {},
) =>
  decideEtaUpdate({
    baselines: new Map(baselines),
    lines,
    thresholdDays: options.threshold ?? 2,
    etaUpdatesWanted: options.wanted ?? true,
    today,
    now,
    timeZone: zone,
  });

describe("which ETA changes are worth an email", () => {
  it("later by the merchant's threshold or more, earlier by two days or more, a first date, a lost date", () => {
    const from = { start: "2026-11-20", end: "2026-11-24" };
    expect(classifyEtaChange(from, { start: "2026-11-22", end: "2026-11-26" }, 2)).toBe("later");
    expect(classifyEtaChange(from, { start: "2026-11-21", end: "2026-11-25" }, 2)).toBeNull();
    expect(classifyEtaChange(from, { start: "2026-11-21", end: "2026-11-25" }, 1)).toBe("later");
    expect(classifyEtaChange(from, { start: "2026-11-25", end: "2026-11-29" }, 7)).toBeNull();
    expect(classifyEtaChange(from, { start: "2026-11-18", end: "2026-11-22" }, 2)).toBe("earlier");
    expect(classifyEtaChange(from, { start: "2026-11-19", end: "2026-11-23" }, 2)).toBeNull();
    expect(classifyEtaChange({ start: null, end: null }, from, 2)).toBe("confirmed");
    expect(classifyEtaChange(from, { start: null, end: null }, 2)).toBe("no_date");
    // A threshold of zero still needs the date to move.
    expect(classifyEtaChange(from, { start: "2026-11-21", end: "2026-11-24" }, 0)).toBeNull();
  });

  it("never for a window that did not change (property)", () => {
    const day = fc.integer({ min: 0, max: 400 }).map((n) => addDays("2026-01-01", n));
    const window = fc
      .option(fc.tuple(day, fc.integer({ min: 0, max: 20 })), { nil: null })
      .map((w) => (w ? { start: w[0], end: addDays(w[0], w[1]) } : { start: null, end: null }));
    fc.assert(
      fc.property(window, fc.integer({ min: 0, max: 30 }), (w, threshold) => {
        expect(classifyEtaChange(w, w, threshold)).toBeNull();
        const unchanged = decide([line({ shipStart: w.start, shipEnd: w.end, promisedShipEnd: null })], [[1, w]], {
          threshold,
        });
        expect(unchanged).toEqual({ kind: null, changes: [], delays: [], recovered: [] });
      }),
    );
  });
});

describe("the gathered ETA email of an order", () => {
  it("five changes inside the window read as one move, from where it was to where it is", () => {
    // Baseline is the window before the first change; the line itself is where the last one left it.
    const decision = decide(
      [line({ shipStart: "2026-11-15", shipEnd: "2026-11-19" })],
      [[1, { start: "2026-11-20", end: "2026-11-24" }]],
    );
    expect(decision.kind).toBe("eta_moved");
    expect(decision.changes).toEqual([
      {
        lineId: 1,
        title: "Trail Jacket",
        change: "earlier",
        from: { start: "2026-11-20", end: "2026-11-24" },
        to: { start: "2026-11-15", end: "2026-11-19" },
      },
    ]);
  });

  it("nothing when the changes net out below the threshold", () => {
    const decision = decide(
      [line({ shipStart: "2026-11-19", shipEnd: "2026-11-23" })],
      [[1, { start: "2026-11-20", end: "2026-11-24" }]],
    );
    expect(decision.kind).toBeNull();
  });

  it("nothing about a line that shipped, or was cancelled or swapped, inside the window", () => {
    for (const status of ["shipped", "cancelled", "swapped"] as const) {
      const decision = decide(
        [line({ status, shipStart: "2026-11-14", shipEnd: "2026-11-15" })],
        [[1, { start: "2026-11-20", end: "2026-11-24" }]],
      );
      expect(decision, status).toEqual({ kind: null, changes: [], delays: [], recovered: [] });
    }
  });

  it("a shopper who wants no ETA updates still hears a confirmed date, and nothing else", () => {
    const lines = [
      line({ id: 1, promisedShipEnd: null, shipStart: "2026-11-20", shipEnd: "2026-11-24" }),
      line({ id: 2, title: "Stove", shipStart: "2026-11-12", shipEnd: "2026-11-14", promisedShipEnd: "2026-11-30" }),
    ];
    const baselines: [number, ShipWindow][] = [
      [1, { start: null, end: null }],
      [2, { start: "2026-11-20", end: "2026-11-24" }],
    ];
    expect(decide(lines, baselines, { wanted: false }).changes.map((c) => [c.lineId, c.change])).toEqual([
      [1, "confirmed"],
    ]);
    expect(decide(lines, baselines, { wanted: true }).changes.map((c) => [c.lineId, c.change])).toEqual([
      [1, "confirmed"],
      [2, "earlier"],
    ]);
    expect(decide([lines[1]!], [baselines[1]!], { wanted: false }).kind).toBeNull();
  });

  it("a line that now misses its promise gets a delay notice instead of an ETA update", () => {
    const decision = decide(
      [line({ shipStart: "2026-11-27", shipEnd: "2026-12-01" })],
      [[1, { start: "2026-11-20", end: "2026-11-24" }]],
    );
    expect(decision.kind).toBeNull();
    expect(decision.delays).toHaveLength(1);
    expect(decision.delays[0]).toMatchObject({
      kind: "first",
      consentNeeded: false,
      newShipEnd: "2026-12-01",
      next: { consentState: "notified", promisedShipEnd: "2026-12-01" },
    });
  });

  it("a line waiting for consent gets no second notice, and leaves that state if its date comes back", () => {
    const awaiting = { consentState: "awaiting" as const, promisedShipEnd: "2026-11-24" };
    expect(
      decide(
        [line({ ...awaiting, shipStart: "2026-12-20", shipEnd: "2026-12-24" })],
        [[1, { start: "2026-12-01", end: "2026-12-05" }]],
      ),
    ).toEqual({
      kind: null,
      changes: [],
      delays: [],
      recovered: [],
    });
    const back = decide(
      [line({ ...awaiting, shipStart: "2026-11-18", shipEnd: "2026-11-22" })],
      [[1, { start: "2026-12-01", end: "2026-12-05" }]],
    );
    expect(back.recovered).toEqual([1]);
    expect(back.changes.map((c) => c.change)).toEqual(["earlier"]);
  });
});

describe("delay consent (FTC mail-order rule)", () => {
  it("a first delay of up to 30 days with a date keeps the order on silence; the new date becomes the promise", () => {
    const decision = delayFor(line({ shipStart: "2026-12-20", shipEnd: "2026-12-24" }), { today, now, timeZone: zone });
    expect(decision).toMatchObject({
      kind: "first",
      consentNeeded: false,
      deadline: null,
      next: { consentState: "notified", promisedShipEnd: "2026-12-24", consentDeadline: null },
    });
  });

  it("a first delay past 30 days, or with no date, needs a keep-waiting before the promised day ends", () => {
    const long = delayFor(line({ shipStart: "2026-12-22", shipEnd: "2026-12-26" }), { today, now, timeZone: zone })!;
    expect(long).toMatchObject({
      kind: "first",
      consentNeeded: true,
      next: { consentState: "awaiting", promisedShipEnd: "2026-11-24" },
    });
    expect(long.deadline).toEqual(endOfDayIn(zone, "2026-11-24"));
    expect(long.deadline!.toISOString()).toBe("2026-11-25T05:00:00.000Z");
    const noDate = delayFor(line({ shipStart: null, shipEnd: null }), { today, now, timeZone: zone })!;
    expect(noDate).toMatchObject({ kind: "first", consentNeeded: true, newShipEnd: null });
  });

  it("a delay after one already accepted (or let pass) is renewed and needs consent", () => {
    for (const consentState of ["notified", "accepted"] as const) {
      expect(
        delayFor(line({ consentState, shipStart: "2026-11-26", shipEnd: "2026-11-28" }), {
          today,
          now,
          timeZone: zone,
        }),
      ).toMatchObject({ kind: "renewed", consentNeeded: true });
    }
    expect(
      delayFor(line({ consentState: "awaiting", shipEnd: "2026-12-30" }), { today, now, timeZone: zone }),
    ).toBeNull();
  });

  it("a promise that passed with nothing shipped is missed even when no date moved", () => {
    const stale = line({ shipStart: "2026-11-01", shipEnd: "2026-11-05", promisedShipEnd: "2026-11-05" });
    expect(missesPromise(stale, today)).toBe(true);
    expect(delayFor(stale, { today, now, timeZone: zone })).toMatchObject({ consentNeeded: true, newShipEnd: null });
    // A window in the past whose promise is still ahead is only stale, not late.
    expect(
      missesPromise(line({ shipStart: "2026-11-01", shipEnd: "2026-11-05", promisedShipEnd: "2026-11-24" }), today),
    ).toBe(false);
    expect(missesPromise(line({ status: "ready", shipEnd: null }), today)).toBe(false);
    expect(missesPromise(line({ promisedShipEnd: null, shipEnd: null }), today)).toBe(false);
  });

  it("the deadline is the end of the promised day in the merchant's zone, never less than three days away", () => {
    expect(consentDeadlineFor("2026-11-24", zone, now).toISOString()).toBe("2026-11-25T05:00:00.000Z");
    expect(consentDeadlineFor("2026-11-11", zone, now).toISOString()).toBe("2026-11-13T15:00:00.000Z");
    expect(formatDeadline(new Date("2026-11-25T05:00:00Z"), zone)).toBe("Tue, Nov 24, 11:59 PM EST");
    // Across a DST change the day still starts at local midnight.
    expect(startOfDayIn("Europe/London", "2026-03-29").toISOString()).toBe("2026-03-29T00:00:00.000Z");
    expect(startOfDayIn("Europe/London", "2026-03-30").toISOString()).toBe("2026-03-29T23:00:00.000Z");
    expect(startOfDayIn("America/New_York", "2026-07-04").toISOString()).toBe("2026-07-04T04:00:00.000Z");
  });
});

describe("preferences and retries", () => {
  it("the order's choice wins, then the choice for all orders, then yes", () => {
    expect(wantsEtaUpdates(null, null)).toBe(true);
    expect(wantsEtaUpdates(null, false)).toBe(false);
    expect(wantsEtaUpdates(true, false)).toBe(true);
    expect(wantsEtaUpdates(false, true)).toBe(false);
  });

  it("429 waits what it was told, 5xx backs off to an hour, 4xx and spent quotas are never retried", () => {
    expect(nextAttempt(classifyFailure(429, "rate_limit_exceeded", "slow down", "7"), 1)).toEqual({
      retryInSeconds: 7,
    });
    expect(nextAttempt(classifyFailure(500, "internal_server_error", "oops"), 1)).toEqual({ retryInSeconds: 30 });
    expect(nextAttempt(classifyFailure(502, undefined, "bad gateway"), 3)).toEqual({ retryInSeconds: 120 });
    expect(nextAttempt(classifyFailure(null, "network", "ECONNRESET"), 7)).toEqual({ retryInSeconds: 1920 });
    expect(nextAttempt(classifyFailure(500, undefined, "oops"), maxSendAttempts)).toEqual({ giveUp: true });
    expect(nextAttempt(classifyFailure(422, "validation_error", "bad"), 1)).toEqual({ giveUp: true });
    expect(nextAttempt(classifyFailure(429, "daily_quota_exceeded", "quota"), 1)).toEqual({ giveUp: true });
    expect(classifyFailure(409, "concurrent_idempotent_requests", "in progress").kind).toBe("retry");
    expect(classifyFailure(409, "invalid_idempotent_request", "different payload").kind).toBe("permanent");
    // The whole schedule stays far inside the 24 hours Resend keeps an idempotency key.
    let total = 0;
    for (let attempt = 1; attempt < maxSendAttempts; attempt++) {
      const next = nextAttempt(classifyFailure(503, undefined, "x"), attempt, 1);
      total += "retryInSeconds" in next ? next.retryInSeconds : 0;
    }
    expect(total).toBeLessThan(6 * 3600);
  });
});
