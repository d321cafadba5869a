// Calendar dates ("2026-12-12") are what ETAs are made of: a ship window is a range of days in
// the merchant's time zone. Instants are Date objects stored as timestamptz.

export type IsoDate = string;

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(value: string): value is IsoDate {
  if (!isoDate.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

// Building an Intl formatter costs far more than using one (tens of microseconds each, and a page
// formats hundreds of dates), so each kind is built once per zone and kept. Using one still costs
// microseconds, and the same few hundred days are formatted on every page, so the words for a
// calendar date are kept too (up to `limit` of them: the oldest go first past that).
function memo<T>(build: (key: string) => T, limit = Infinity): (key: string) => T {
  const made = new Map<string, T>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) {
      value = build(key);
      if (made.size >= limit) made.delete(made.keys().next().value!);
      made.set(key, value);
    }
    return value;
  };
}

const utcDay = (date: IsoDate) => new Date(`${date}T00:00:00Z`);

const calendarFormat = memo(
  (timeZone) => new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }),
);

// Every zone's midnight falls on a whole minute, so one minute has one date in a zone: the last
// answer per zone serves the rest of a request, which asks for today many times.
const lastDateIn = new Map<string, { minute: number; date: IsoDate }>();

/** The calendar date of `instant` in `timeZone`. */
export function dateIn(timeZone: string, instant: Date): IsoDate {
  const minute = Math.floor(instant.getTime() / 60_000);
  const last = lastDateIn.get(timeZone);
  if (last?.minute === minute) return last.date;
  const parts = calendarFormat(timeZone).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  const date = `${get("year")}-${get("month")}-${get("day")}`;
  lastDateIn.set(timeZone, { minute, date });
  return date;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return a > b ? a : b;
}

const dayWords = (year: boolean) => {
  const format = new Intl.DateTimeFormat("en-US", {
    weekday: "short",
    month: "short",
    day: "numeric",
    ...(year ? { year: "numeric" } : {}),
    timeZone: "UTC",
  });
  return memo((date) => format.format(utcDay(date)), 4000);
};
const dayWithoutYear = dayWords(false);
const dayWithYear = dayWords(true);

/** "Fri, Dec 12", as a person reads a date. Calendar dates need no zone conversion. */
export function formatDay(date: IsoDate, options: { year?: boolean } = {}): string {
  return options.year ? dayWithYear(date) : dayWithoutYear(date);
}

/** "Fri, Dec 12 – Tue, Dec 16", or one day when both ends agree. */
/** "Ships Fri, Dec 12", or "Ships between Fri, Dec 12 and Tue, Dec 16" (a sentence's opening). */
export function shipsPhrase(start: IsoDate, end: IsoDate): string {
  return start === end ? `Ships ${formatDay(start)}` : `Ships between ${formatDay(start)} and ${formatDay(end)}`;
}

export function formatWindow(start: IsoDate, end: IsoDate): string {
  return start === end ? formatDay(start) : `${formatDay(start)} – ${formatDay(end)}`;
}

const shortDayFormat = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
const shortDay = memo((date) => shortDayFormat.format(utcDay(date)), 4000);

/** "Dec 12", the short form used inside sentences. */
export function formatShortDay(date: IsoDate): string {
  return shortDay(date);
}

const instantFormat = memo(
  (timeZone) =>
    new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZone }),
);

/** An instant shown in the merchant's zone: "Nov 26, 9:41 PM". */
export function formatInstant(instant: Date, timeZone: string): string {
  return instantFormat(timeZone).format(instant);
}

const zoneNameFormat = memo((timeZone) => new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "short" }));

/** The zone's short name at `instant`, as a clock shows it: "EST", "GMT+1", "UTC". */
export function zoneShortName(timeZone: string, instant: Date = new Date()): string {
  return (
    zoneNameFormat(timeZone)
      .formatToParts(instant)
      .find((p) => p.type === "timeZoneName")?.value ?? timeZone
  );
}

const wallClockFormat = memo(
  (timeZone) =>
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    }),
);

/** How far `timeZone`'s clocks are ahead of UTC at `instant`, in milliseconds. */
function zoneOffsetMs(timeZone: string, instant: number): number {
  const parts = wallClockFormat(timeZone).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The instant `date` begins in `timeZone` (its midnight there), for "from this day" in a zone's terms. */
export function startOfDayIn(timeZone: string, date: IsoDate): Date {
  const midnight = Date.parse(`${date}T00:00:00Z`);
  // The offset at a first guess, then at the instant it gives: right on both sides of a clock change.
  const guess = midnight - zoneOffsetMs(timeZone, midnight);
  return new Date(midnight - zoneOffsetMs(timeZone, guess));
}
