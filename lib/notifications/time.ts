import { addDays, dateIn, startOfDayIn, type IsoDate } from "../dates";

// Instants that belong to a merchant's calendar: "the end of Fri, Dec 12 in New York". Dates are
// stored as calendar dates in the merchant's zone; deadlines are instants (timestamptz).

/** The instant a calendar day ends in a time zone (the start of the next one). */
export function endOfDayIn(timeZone: string, date: IsoDate): Date {
  return startOfDayIn(timeZone, addDays(date, 1));
}

/** Today in the merchant's zone. */
export function todayIn(timeZone: string, now: Date): IsoDate {
  return dateIn(timeZone, now);
}

// Building an Intl.DateTimeFormat costs far more than using one; the worker formats thousands.
const formats = new Map<string, Intl.DateTimeFormat>();
function format(key: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const id = `${key}|${timeZone}`;
  let found = formats.get(id);
  if (!found) {
    found = new Intl.DateTimeFormat("en-US", { ...options, timeZone });
    formats.set(id, found);
  }
  return found;
}

/** "Fri, Dec 12, 11:59 PM EST": a deadline as the shopper reads it, in the merchant's zone. */
export function formatDeadline(deadline: Date, timeZone: string): string {
  // A deadline at midnight reads better as the last minute of the day before.
  const shown = new Date(deadline.getTime() - 60_000);
  return format("deadline", timeZone, {
    weekday: "short",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(shown);
}

/** "Nov 26, 9:41 PM GMT": a moment in the merchant's zone, with the zone named. */
export function formatMoment(at: Date, timeZone: string): string {
  return format("moment", timeZone, {
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(at);
}
