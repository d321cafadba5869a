import type { FulfillmentPreference, OrderLine } from "../db/schema/orders";
import { formatDay, formatShortDay, formatWindow, maxDate, type IsoDate } from "../dates";
import { isOpen, isWaiting } from "./line-status";

// The order's answer at a glance, above its items: what state it is in and when everything
// arrives, in one sentence, and what (if anything) needs the shopper. Honest over soothing: a
// date that has passed is said to be late, and an item without a date is said to have none.

type AnswerLine = Pick<
  OrderLine,
  "id" | "title" | "status" | "shipStart" | "shipEnd" | "deliveryEnd" | "consentState" | "consentDeadline"
> & { shipments: { shippedAt: Date; trackingNumber: string | null; deliveredAt?: Date | null }[] };

export type OrderAnswer = {
  /** The one sentence: "Everything should arrive by Fri, Jan 1." */
  headline: string;
  /** The facts behind it: the parcels that left, how it ships, what has no date yet. */
  details: string[];
  /** Lines whose later date waits for the shopper's answer, soonest deadline first. */
  needsAnswer: { lineId: number; title: string; deadline: IsoDate }[];
};

/**
 * The answer for an order on `today` (a date in the shop's zone). Swapped lines are left out: the
 * line they were swapped to stands for them.
 */
export function orderAnswer(
  lines: AnswerLine[],
  options: { today: IsoDate; timeZoneDate: (instant: Date) => IsoDate; preference: FulfillmentPreference },
): OrderAnswer {
  const { today } = options;
  const counted = lines.filter((l) => l.status !== "swapped");
  const open = counted.filter((l) => isOpen(l.status));
  const parcels = parcelDays(counted, options.timeZoneDate);
  const needsAnswer = open
    .filter((l) => l.consentState === "awaiting" && l.consentDeadline)
    .map((l) => ({ lineId: l.id, title: l.title, deadline: options.timeZoneDate(l.consentDeadline!) }))
    .sort((a, b) => a.deadline.localeCompare(b.deadline));

  if (counted.length > 0 && counted.every((l) => l.status === "cancelled"))
    return { headline: "This order was cancelled.", details: [], needsAnswer };

  const shippedPart = parcels.length ? [parcelsSentence(parcels)] : [];
  const shipments = counted.flatMap((l) => l.shipments);
  if (open.length === 0 && shipments.length > 0 && shipments.every((s) => s.deliveredAt))
    return { headline: "Everything has been delivered.", details: shippedPart, needsAnswer };
  if (open.length === 0)
    return {
      headline:
        parcels.length > 1 ? `Everything has shipped, in ${parcels.length} parcels.` : "Everything has shipped.",
      details: shippedPart,
      needsAnswer,
    };

  const dated = open.filter((l) => l.shipStart && l.shipEnd);
  const undated = open.length - dated.length;
  const undatedPart = undated
    ? [
        `${undated === 1 ? "1 item has" : `${undated} items have`} no date from the supplier yet; we will email you when it comes.`,
      ]
    : [];
  if (dated.length === 0)
    return {
      headline: parcels.length
        ? "Part of your order has shipped; the rest has no date yet."
        : "Your order is waiting for a date from the supplier.",
      details: [...shippedPart, ...undatedPart],
      needsAnswer,
    };

  const start = dated.map((l) => l.shipStart!).reduce(earliest);
  const end = dated.map((l) => l.shipEnd!).reduce(maxDate);
  const arrivesBy = dated.every((l) => l.deliveryEnd) ? dated.map((l) => l.deliveryEnd!).reduce(maxDate) : null;
  const together = options.preference === "ship_together" && open.length > 1;
  // A window whose last day has passed is not a promise any more: it is late.
  if (end < today)
    return {
      headline:
        dated.length === 1
          ? `${open.length === 1 ? "Your item is" : "1 item is"} late: it was due to ship by ${formatDay(end)}.`
          : `${dated.length === open.length ? "Your items are" : `${dated.length} items are`} late: they were due to ship by ${formatDay(end)}.`,
      details: [
        ...shippedPart,
        `We are sorry. We will email you when ${dated.length === 1 ? "it ships" : "they ship"}.`,
        ...undatedPart,
      ],
      needsAnswer,
    };

  const rest = together
    ? `the rest ships together, ${formatWindow(maxDate(start, today), end)}`
    : `the rest ships ${formatWindow(maxDate(start, today), end)}`;
  let headline: string;
  if (parcels.length && undated === 0) headline = `Part of your order has shipped; ${rest}.`;
  else if (undated === 0)
    headline = arrivesBy
      ? `Everything should arrive by ${formatDay(arrivesBy)}.`
      : `Everything should ship by ${formatDay(end)}.`;
  else headline = `Most of your order should ship by ${formatDay(end)}.`;
  const waiting = open.filter((l) => isWaiting(l.status)).length;
  const details = [
    ...shippedPart,
    ...(together && !parcels.length ? ["It ships in one parcel, as you chose, once everything is here."] : []),
    ...(waiting === 0 ? ["Everything left is ready and being packed."] : []),
    ...undatedPart,
  ];
  return { headline, details, needsAnswer };
}

/**
 * What the order cost, what it costs now, and the difference that comes back: cancelled units,
 * and the price difference of swaps to cheaper items. (A swap closes the old line's units as
 * cancelled and charges the new line at its own price.)
 */
export function orderMoney(
  lines: Pick<OrderLine, "quantity" | "cancelledQuantity" | "unitPriceMinor" | "swappedFromLineId">[],
) {
  const paidMinor = lines
    .filter((l) => l.swappedFromLineId === null)
    .reduce((n, l) => n + l.quantity * l.unitPriceMinor, 0);
  const chargedMinor = lines.reduce((n, l) => n + (l.quantity - l.cancelledQuantity) * l.unitPriceMinor, 0);
  return { paidMinor, chargedMinor, refundMinor: paidMinor - chargedMinor };
}

function parcelDays(lines: AnswerLine[], dayOf: (instant: Date) => IsoDate): IsoDate[] {
  const parcels = new Map<string, IsoDate>();
  for (const l of lines)
    for (const s of l.shipments) parcels.set(s.trackingNumber ?? s.shippedAt.toISOString(), dayOf(s.shippedAt));
  return [...parcels.values()].sort();
}

function parcelsSentence(days: IsoDate[]): string {
  const distinct = [...new Set(days)].map(formatShortDay);
  const when = distinct.length === 1 ? distinct[0] : `${distinct.slice(0, -1).join(", ")} and ${distinct.at(-1)}`;
  return days.length === 1 ? `1 parcel shipped ${when}.` : `${days.length} parcels shipped ${when}.`;
}

const earliest = (a: IsoDate, b: IsoDate) => (a < b ? a : b);
