import type { ConsentState, LineStatus } from "../db/schema/orders";
import { daysBetween, maxDate, type IsoDate } from "../dates";
import type { SendFailure } from "../email/types";
import { isOpen, isWaiting } from "../orders/line-status";
import type { etaChangeKinds } from "./payloads";
import { endOfDayIn } from "./time";

// When a shopper hears from us, as plain functions of data: which ETA changes are worth an email,
// when a delay needs the shopper's consent (after the US FTC mail-order rule), and how a failed
// send is retried. The outbox and the worker call these; tests call them directly.

/** A later ship date is worth an email from the merchant's threshold; an earlier one from this. */
export const earlierThresholdDays = 2;
/** A first delay up to this long keeps the order when the shopper stays silent. */
export const silentDelayMaxDays = 30;
/** A shopper asked to consent always gets at least this long to answer. */
export const minimumAnswerDays = 3;

export type ShipWindow = { start: IsoDate | null; end: IsoDate | null };

/** A line as the policies need it. */
export type LineState = {
  id: number;
  title: string;
  status: LineStatus;
  shipStart: IsoDate | null;
  shipEnd: IsoDate | null;
  /** The ship date the shopper last agreed to (null: none, or an accepted delay with no date). */
  promisedShipEnd: IsoDate | null;
  consentState: ConsentState;
};

/** ETA updates: the order's own choice wins, then the shopper's choice for all orders, then yes. */
export function wantsEtaUpdates(
  orderChoice: boolean | null | undefined,
  globalChoice: boolean | null | undefined,
): boolean {
  return orderChoice ?? globalChoice ?? true;
}

export type EtaChangeKind = (typeof etaChangeKinds)[number];

/**
 * What a move from one window to another means to the shopper, or null when it is not worth an
 * email: later by at least the merchant's threshold, earlier by at least two days, a first date
 * (confirmed), or a date that is gone. A window whose end did not move is never news.
 */
export function classifyEtaChange(
  from: ShipWindow,
  to: ShipWindow,
  thresholdDays: number,
  earlierDays: number = earlierThresholdDays,
): EtaChangeKind | null {
  if (from.end === null && to.end === null) return null;
  if (from.end === null) return "confirmed";
  if (to.end === null) return "no_date";
  const moved = daysBetween(from.end, to.end);
  if (moved > 0 && moved >= Math.max(1, thresholdDays)) return "later";
  if (moved <= -Math.max(1, earlierDays)) return "earlier";
  return null;
}

/**
 * A waiting line misses its promise when its window ends after the promised date, has no date, or
 * lies in the past while the promised date has passed too (nothing moved, but the day came).
 */
export function missesPromise(
  line: Pick<LineState, "status" | "shipEnd" | "promisedShipEnd">,
  today: IsoDate,
): boolean {
  if (!isWaiting(line.status) || line.promisedShipEnd === null) return false;
  const effectiveEnd = line.shipEnd === null ? null : maxDate(line.shipEnd, today);
  return effectiveEnd === null || effectiveEnd > line.promisedShipEnd;
}

/** The deadline for explicit consent: the end of the promised day, but never sooner than three days from now. */
export function consentDeadlineFor(promised: IsoDate, timeZone: string, now: Date): Date {
  const endOfPromise = endOfDayIn(timeZone, promised);
  const earliest = new Date(now.getTime() + minimumAnswerDays * 86_400_000);
  return endOfPromise > earliest ? endOfPromise : earliest;
}

export type DelayDecision = {
  lineId: number;
  title: string;
  /** `first`: the first delay of this line; `renewed`: a revised date will be missed too. */
  kind: "first" | "renewed";
  /** Silence keeps the order (a first delay of up to 30 days) or cancels it at the deadline. */
  consentNeeded: boolean;
  /** The date that will be missed. */
  promisedShipEnd: IsoDate;
  /** The new window offered, or nulls when there is no date. */
  newShipStart: IsoDate | null;
  newShipEnd: IsoDate | null;
  deadline: Date | null;
  /** The line's consent fields after the notice. */
  next: { consentState: ConsentState; promisedShipEnd: IsoDate | null; consentDeadline: Date | null };
};

/**
 * The delay notice a line needs now, if any. A first delay of up to 30 days with a new date keeps
 * the order if the shopper says nothing, and that date becomes the promise. A first delay past 30
 * days or with no date, and any delay after one the shopper already accepted (or let pass), needs
 * an explicit "keep waiting" before the deadline. A line already waiting for an answer gets no
 * second notice: its answer page shows the current date.
 */
export function delayFor(
  line: LineState,
  context: { today: IsoDate; now: Date; timeZone: string },
): DelayDecision | null {
  if (!missesPromise(line, context.today)) return null;
  const promised = line.promisedShipEnd!;
  const hasDate = line.shipEnd !== null && line.shipEnd >= context.today;
  const newShipEnd = hasDate ? line.shipEnd : null;
  const newShipStart = hasDate ? maxDate(line.shipStart ?? line.shipEnd!, context.today) : null;
  const base = { lineId: line.id, title: line.title, promisedShipEnd: promised, newShipStart, newShipEnd };
  const askConsent = (kind: "first" | "renewed"): DelayDecision => {
    const deadline = consentDeadlineFor(promised, context.timeZone, context.now);
    return {
      ...base,
      kind,
      consentNeeded: true,
      deadline,
      next: { consentState: "awaiting", promisedShipEnd: promised, consentDeadline: deadline },
    };
  };
  switch (line.consentState) {
    case "none":
      if (newShipEnd !== null && daysBetween(promised, newShipEnd) <= silentDelayMaxDays) {
        return {
          ...base,
          kind: "first",
          consentNeeded: false,
          deadline: null,
          next: { consentState: "notified", promisedShipEnd: newShipEnd, consentDeadline: null },
        };
      }
      return askConsent("first");
    case "notified":
    case "accepted":
      return askConsent("renewed");
    default:
      return null;
  }
}

export type EtaLineChange = { lineId: number; title: string; change: EtaChangeKind; from: ShipWindow; to: ShipWindow };

export type EtaUpdateDecision = {
  /** The email to send, or null for none (nothing the shopper needs to hear). */
  kind: "eta_confirmed" | "eta_moved" | null;
  changes: EtaLineChange[];
  /** Delay notices, sent as their own email: a missed promise is not an ordinary ETA update. */
  delays: DelayDecision[];
  /** Lines that were waiting for consent and no longer miss their promise. */
  recovered: number[];
};

/**
 * The ETA email for one order at the end of its gathering window. `baselines` holds each line's
 * window before the first change in the window, so five changes read as one: from where it was to
 * where it is now. Lines that shipped or were cancelled meanwhile say nothing; lines that now miss
 * their promise get a delay notice instead. A confirmed date is always sent; moves only to
 * shoppers who want ETA updates.
 */
export function decideEtaUpdate(input: {
  baselines: ReadonlyMap<number, ShipWindow>;
  lines: readonly LineState[];
  thresholdDays: number;
  /** An earlier date is news from this many days (merchants.eta_earlier_threshold_days). */
  earlierThresholdDays?: number;
  etaUpdatesWanted: boolean;
  today: IsoDate;
  now: Date;
  timeZone: string;
}): EtaUpdateDecision {
  const decision: EtaUpdateDecision = { kind: null, changes: [], delays: [], recovered: [] };
  const context = { today: input.today, now: input.now, timeZone: input.timeZone };
  for (const line of [...input.lines].sort((a, b) => a.id - b.id)) {
    const from = input.baselines.get(line.id);
    if (!from || !isOpen(line.status)) continue;
    if (line.consentState === "awaiting") {
      if (missesPromise(line, input.today)) continue;
      decision.recovered.push(line.id);
    } else {
      const delay = delayFor(line, context);
      if (delay) {
        decision.delays.push(delay);
        continue;
      }
    }
    const to = { start: line.shipStart, end: line.shipEnd };
    const change = classifyEtaChange(from, to, input.thresholdDays, input.earlierThresholdDays);
    if (change === null || (change !== "confirmed" && !input.etaUpdatesWanted)) continue;
    decision.changes.push({ lineId: line.id, title: line.title, change, from, to });
  }
  if (decision.changes.some((c) => c.change === "confirmed")) decision.kind = "eta_confirmed";
  else if (decision.changes.length > 0) decision.kind = "eta_moved";
  return decision;
}

/** Attempts before a notification is given up and marked failed (about two hours of back-off). */
export const maxSendAttempts = 8;

/**
 * After a failed send: when to try again, or give up. 429 waits what the provider asked; 5xx and
 * network errors back off exponentially from 30 seconds to an hour; 4xx (validation, quota) never
 * succeed by repetition. The whole schedule stays well inside the 24 hours Resend keeps an
 * idempotency key, so a retry can never be delivered as a second email.
 */
export function nextAttempt(
  failure: SendFailure,
  attempts: number,
  jitter = 0,
): { retryInSeconds: number } | { giveUp: true } {
  if (failure.kind === "permanent" || attempts >= maxSendAttempts) return { giveUp: true };
  if (failure.kind === "rate_limited") return { retryInSeconds: Math.max(1, failure.retryAfterSeconds ?? 1) };
  const backoff = Math.min(3600, 30 * 2 ** Math.max(0, attempts - 1));
  return { retryInSeconds: Math.round(backoff * (1 + Math.min(Math.max(jitter, 0), 1) * 0.2)) };
}
