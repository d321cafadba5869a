import { addDays, dateIn, type IsoDate } from "../dates";

// Instants that belong to a merchant's calendar: "the end of Fri, Dec 12 in New York". Dates are
// stored as calendar dates in the merchant's zone; deadlines are instants (timestamptz).

function offsetMs(timeZone: string, at: Date): number {
  const parts = format("parts", timeZone, {
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const local = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return local - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant a calendar day starts in a time zone (midnight there, or the first moment after a DST gap). */
export function startOfDayIn(timeZone: string, date: IsoDate): Date {
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  let guess = midnightUtc - offsetMs(timeZone, new Date(midnightUtc));
  // The offset at the guess can differ (a DST change near midnight): settle on it.
  guess = midnightUtc - offsetMs(timeZone, new Date(guess));
  return new Date(guess);
}

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
