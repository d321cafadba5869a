import { sql } from "drizzle-orm";
import { rows, type DbOrTx } from "../db/client";
import { addDays, daysBetween, maxDate, type IsoDate } from "../dates";

// How honest our ship windows were, measured from the engine's own records: the first window a
// shopper saw (order_lines.first_ship_*), every later change (eta_events) and the day the line
// shipped (shipments). The honesty simulation reports these figures, and the support console's
// "ETA honesty per supplier" can use the same numbers.

/** One shipped line as the records tell it. */
export type ShippedLine = {
  lineId: number;
  /** The SKU's usual supplier. */
  supplierId: string | null;
  placedOn: IsoDate;
  /** The day its last units left, in the merchant's zone. */
  shippedOn: IsoDate;
  /** It waited for supply: it was not filled from stock when ordered. */
  waited: boolean;
  /** The first dated window shown, as the line keeps it. */
  firstStart: IsoDate | null;
  firstEnd: IsoDate | null;
  /** The first dated window in the ETA history; the same as the above unless the books disagree. */
  historyFirstStart: IsoDate | null;
  historyFirstEnd: IsoDate | null;
  /** The page said "the supplier has not confirmed a date" at some point. */
  everUnknown: boolean;
  /** Window changes after the first dated window. */
  changes: number;
  /** Those of the changes that replaced a dated window with one that does not fit inside it, or with no date. */
  revisions: number;
  /** Times the late end moved later (the engine's `eta_pushes`). */
  pushes: number;
  /** Baseline: the supplier's date plus handling days as one date, as most tools show it. */
  singleDate: IsoDate | null;
  /** Times that date was replaced by another date or by none (a first date after none is not counted). */
  singleDateChanges: number;
  /** Times that date moved later. */
  singleDatePushes: number;
};

type LineRow = {
  id: string | number;
  supplier_id: string | null;
  placed_on: string;
  shipped_on: string;
  first_ship_start: string | null;
  first_ship_end: string | null;
  eta_pushes: number;
  handling_days: number;
  /** What the line rested on when it shipped. */
  final_basis: string | null;
  final_basis_date: string | null;
};

type EventRow = {
  order_line_id: string | number;
  new_ship_start: string | null;
  new_ship_end: string | null;
  new_basis: string;
  basis_date: string | null;
  on_day: string;
};

/** Every shipped line of a merchant with what it was promised first and how that moved. */
export async function shippedLines(db: DbOrTx, merchantId: string): Promise<ShippedLine[]> {
  const lines = await rows<LineRow>(
    db,
    sql`select l.id, s.supplier_id, (l.placed_at at time zone m.timezone)::date::text as placed_on,
               (max(sh.shipped_at) at time zone m.timezone)::date::text as shipped_on,
               l.first_ship_start::text, l.first_ship_end::text, l.eta_pushes, m.handling_days,
               l.eta_basis as final_basis, l.basis_date::text as final_basis_date
        from order_lines l
        join merchants m on m.id = l.merchant_id
        join skus s on s.id = l.sku_id
        join shipment_lines sl on sl.order_line_id = l.id
        join shipments sh on sh.id = sl.shipment_id
        where l.merchant_id = ${merchantId} and l.status = 'shipped'
        group by l.id, s.supplier_id, m.timezone, m.handling_days
        order by l.id`,
  );
  const events = await rows<EventRow>(
    db,
    sql`select e.order_line_id, e.new_ship_start::text, e.new_ship_end::text, e.new_basis, e.basis_date::text,
               (e.at at time zone m.timezone)::date::text as on_day
        from eta_events e
        join order_lines l on l.id = e.order_line_id
        join merchants m on m.id = e.merchant_id
        where e.merchant_id = ${merchantId} and l.status = 'shipped'
        order by e.order_line_id, e.at, e.id`,
  );
  const history = new Map<number, EventRow[]>();
  for (const event of events) {
    const id = Number(event.order_line_id);
    const list = history.get(id) ?? [];
    list.push(event);
    history.set(id, list);
  }
  return lines.map((line) => readHistory(line, history.get(Number(line.id)) ?? []));
}

function readHistory(line: LineRow, events: EventRow[]): ShippedLine {
  const handling = Number(line.handling_days);
  let firstDated = -1;
  let changes = 0;
  let revisions = 0;
  let singleDate: IsoDate | null = null;
  let singleDateChanges = 0;
  let singleDatePushes = 0;
  let shown: IsoDate | null = null;
  events.forEach((event, i) => {
    // What a single-date tool shows after this event: the date the window rests on plus handling.
    // It is taken as it stands: a supplier date that has passed stays shown until it changes.
    const single =
      event.new_basis === "override"
        ? shown
        : event.new_basis === "unknown" || event.basis_date === null
          ? null
          : addDays(firstDated === -1 ? maxDate(event.basis_date, event.on_day) : event.basis_date, handling);
    if (firstDated === -1) {
      if (event.new_ship_start === null) return;
      firstDated = i;
      singleDate = single;
      shown = single;
      return;
    }
    changes++;
    // A promise is broken when a dated window is replaced by one that does not fit inside it (or
    // by no date at all); a date given after "no confirmed date" breaks nothing.
    const before = events[i - 1]!;
    const inside =
      event.new_ship_start !== null &&
      event.new_ship_start >= before.new_ship_start! &&
      event.new_ship_end! <= before.new_ship_end!;
    if (before.new_ship_start !== null && !inside) revisions++;
    if (shown !== null && single !== shown) singleDateChanges++;
    if (shown !== null && single !== null && single > shown) singleDatePushes++;
    shown = single;
  });
  // The basis the line shipped on. It can change without an entry of ours: stock that comes on the
  // last day of a window whose start has caught up with the calendar leaves the window as it was.
  // A single date still moves there, from the supplier's date to the day the stock came.
  const last = shown as IsoDate | null; // assigned in the loop above
  if (
    last !== null &&
    line.final_basis !== "override" &&
    line.final_basis !== "unknown" &&
    line.final_basis_date !== null
  ) {
    const single = addDays(line.final_basis_date, handling);
    if (single !== last) singleDateChanges++;
    if (single > last) singleDatePushes++;
  }
  const first = firstDated === -1 ? undefined : events[firstDated];
  return {
    lineId: Number(line.id),
    supplierId: line.supplier_id,
    placedOn: line.placed_on,
    shippedOn: line.shipped_on,
    waited: events.length > 0 && events[0]!.new_basis !== "stock",
    firstStart: line.first_ship_start,
    firstEnd: line.first_ship_end,
    historyFirstStart: first?.new_ship_start ?? null,
    historyFirstEnd: first?.new_ship_end ?? null,
    everUnknown: events.some((e) => e.new_basis === "unknown"),
    changes,
    revisions,
    pushes: Number(line.eta_pushes),
    singleDate,
    singleDateChanges,
    singleDatePushes,
  };
}

/** Every received PO of a merchant: its supplier and how many days after the first promised date it came. */
export async function deliverySlips(db: DbOrTx, merchantId: string): Promise<{ supplierId: string; slip: number }[]> {
  const result = await rows<{ supplier_id: string; slip: number }>(
    db,
    sql`select po.supplier_id, (min(r.received_at) at time zone m.timezone)::date - po.first_promised_date as slip
        from purchase_orders po
        join purchase_order_receipts r on r.purchase_order_id = po.id
        join merchants m on m.id = po.merchant_id
        where po.merchant_id = ${merchantId}
        group by po.id, m.timezone
        order by min(r.received_at), po.id`,
  );
  return result.map((r) => ({ supplierId: r.supplier_id, slip: Number(r.slip) }));
}

export const promiseMethods = ["ours", "single_date", "two_to_four_weeks"] as const;
export type PromiseMethod = (typeof promiseMethods)[number];

export const promiseMethodLabels: Record<PromiseMethod, string> = {
  ours: "our window",
  single_date: "supplier date + handling, one date",
  two_to_four_weeks: "fixed “ships in 2–4 weeks”",
};

export type HonestyFigures = {
  lines: number;
  /** Shares of lines that shipped inside, before and after the first promise. */
  hit: number;
  early: number;
  late: number;
  /** Days in the first window, both ends included (a single date is 1). */
  medianWidth: number;
  /** Mean absolute days between the ship day and the middle of the first window. */
  meanAbsError: number;
  changesPerLine: number;
  /** Changes that broke the promise before: the new window is not inside the old one. */
  revisionsPerLine: number;
  /** Changes that moved the last day later. */
  pushesPerLine: number;
  /** Share of lines that showed "no confirmed date" at some point. */
  noDateShare: number;
};

/** The first promise a method made for a line, as [start, end], or null when it made none. */
export function firstPromise(line: ShippedLine, method: PromiseMethod): [IsoDate, IsoDate] | null {
  switch (method) {
    case "ours":
      return line.firstStart && line.firstEnd ? [line.firstStart, line.firstEnd] : null;
    case "single_date":
      return line.singleDate ? [line.singleDate, line.singleDate] : null;
    case "two_to_four_weeks":
      return [addDays(line.placedOn, 14), addDays(line.placedOn, 28)];
  }
}

/** The figures for the lines that waited for supply (lines filled from stock when ordered are left out). */
export function honestyFigures(all: readonly ShippedLine[], method: PromiseMethod): HonestyFigures {
  const lines = all.filter((l) => l.waited && firstPromise(l, method) !== null);
  let hit = 0;
  let early = 0;
  let late = 0;
  let absError = 0;
  const widths: number[] = [];
  for (const line of lines) {
    const [start, end] = firstPromise(line, method)!;
    if (line.shippedOn < start) early++;
    else if (line.shippedOn > end) late++;
    else hit++;
    const width = daysBetween(start, end) + 1;
    widths.push(width);
    absError += Math.abs(daysBetween(start, line.shippedOn) - (width - 1) / 2);
  }
  const n = lines.length;
  const share = (k: number) => (n === 0 ? 0 : k / n);
  const sum = (f: (l: ShippedLine) => number) => lines.reduce((t, l) => t + f(l), 0);
  const changes =
    method === "ours" ? sum((l) => l.changes) : method === "single_date" ? sum((l) => l.singleDateChanges) : 0;
  const revisions = method === "ours" ? sum((l) => l.revisions) : changes;
  const pushes =
    method === "ours" ? sum((l) => l.pushes) : method === "single_date" ? sum((l) => l.singleDatePushes) : 0;
  return {
    lines: n,
    hit: share(hit),
    early: share(early),
    late: share(late),
    medianWidth: median(widths),
    meanAbsError: share(absError),
    changesPerLine: share(changes),
    revisionsPerLine: share(revisions),
    pushesPerLine: share(pushes),
    noDateShare: method === "two_to_four_weeks" ? 0 : share(lines.filter((l) => l.everUnknown).length),
  };
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
