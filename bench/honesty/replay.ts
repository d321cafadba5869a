import { readFileSync } from "node:fs";
import { addDays, daysBetween, type IsoDate } from "../../lib/dates";
import {
  defaultSlipRule,
  slipEstimate,
  type OverduePo,
  type SlipBasis,
  type SlipRule,
  type SupplierReceipt,
} from "../../lib/eta/slip";

// Replays a delivery history in the ../shared/data format through the engine's own slip model
// (`slipEstimate`, the function production calls), with strict availability: a row scheduled on S
// gets its window from what was known on its cut-off, S − 14 days (see ../shared/data/README.md).

export type Delivery = {
  id: string;
  vendor: string;
  mode: string;
  poSent: IsoDate | null;
  scheduled: IsoDate;
  delivered: IsoDate;
};

export const deliveriesPath = new URL("../../../shared/data/supplier-deliveries-2006-2012.csv", import.meta.url);

/** A small CSV reader: quoted fields may hold commas and doubled quotes. */
export function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      out.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    out.push(row);
  }
  return out;
}

export function readDeliveries(path: URL | string = deliveriesPath): Delivery[] {
  const [header, ...body] = parseCsv(readFileSync(path, "utf8"));
  const at = (name: string) => header!.indexOf(name);
  const [id, vendor, mode, poSent, scheduled, delivered] = [
    "id",
    "vendor",
    "shipment_mode",
    "po_sent",
    "scheduled",
    "delivered",
  ].map(at);
  return body
    .filter((r) => r.length === header!.length)
    .map((r) => ({
      id: r[id!]!,
      vendor: r[vendor!]!,
      mode: r[mode!]!,
      poSent: r[poSent!] || null,
      scheduled: r[scheduled!]!,
      delivered: r[delivered!]!,
    }));
}

/** How many days before its scheduled date a row's window is drawn. */
export const cutoffDays = 14;

export type ScoredWindow = {
  id: string;
  vendor: string;
  mode: string;
  scheduled: IsoDate;
  /** Delivered − scheduled, days. */
  slip: number;
  /** The window as days from the scheduled date. */
  startDays: number;
  endDays: number;
  basis: SlipBasis;
};

export type ReplayOptions = {
  rule?: SlipRule;
  merchantDefaultDays?: number;
  /** Rows scheduled before this day are history only, not scored. */
  scoreFrom?: IsoDate | null;
  /** The engine's model unless a baseline is being measured the same way (the frontier in docs/eta.md). */
  estimate?: typeof slipEstimate;
};

/** The index of the first element of `sorted` whose key is not before `key` (binary search). */
function firstAtOrAfter<T>(sorted: readonly T[], key: IsoDate, keyOf: (t: T) => IsoDate): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keyOf(sorted[mid]!) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const receiptOf = (d: Delivery): SupplierReceipt => ({
  firstPromisedDate: d.scheduled,
  receivedDate: d.delivered,
  shipmentMode: d.mode,
});

/**
 * Every row's window (from `scoreFrom` on) as the engine would have drawn it on the row's cut-off
 * C = S − 14 days: its vendor's rows delivered before C are receipts; its vendor's rows due before
 * C and not delivered by then are overdue POs, known only to be at least C − their date late; every
 * vendor's rows delivered before C are the pooled prior. Nothing else about later rows is read.
 */
export function replayStrict(deliveries: readonly Delivery[], options: ReplayOptions = {}): ScoredWindow[] {
  const rule = options.rule ?? defaultSlipRule;
  const merchantDefaultDays = options.merchantDefaultDays ?? 5;
  const byDelivered = [...deliveries].sort((a, b) => a.delivered.localeCompare(b.delivered));
  const pooled = byDelivered.map(receiptOf);
  const vendors = new Map<string, { byDelivered: SupplierReceipt[]; byScheduled: Delivery[] }>();
  for (const d of byDelivered) {
    const v = vendors.get(d.vendor) ?? { byDelivered: [], byScheduled: [] };
    v.byDelivered.push(receiptOf(d));
    v.byScheduled.push(d);
    vendors.set(d.vendor, v);
  }
  for (const v of vendors.values()) v.byScheduled.sort((a, b) => a.scheduled.localeCompare(b.scheduled));
  const out: ScoredWindow[] = [];
  for (const d of deliveries) {
    if (options.scoreFrom && d.scheduled < options.scoreFrom) continue;
    const cutoff = addDays(d.scheduled, -cutoffDays);
    const v = vendors.get(d.vendor)!;
    const receipts = v.byDelivered.slice(
      0,
      firstAtOrAfter(v.byDelivered, cutoff, (r) => r.receivedDate),
    );
    const overdue: OverduePo[] = v.byScheduled
      .slice(
        0,
        firstAtOrAfter(v.byScheduled, cutoff, (r) => r.scheduled),
      )
      .filter((r) => r.delivered >= cutoff)
      .map((r) => ({ firstPromisedDate: r.scheduled, shipmentMode: r.mode }));
    const estimate = (options.estimate ?? slipEstimate)(
      {
        supplier: { receipts, overdue },
        pooled: () =>
          pooled.slice(
            0,
            firstAtOrAfter(pooled, cutoff, (r) => r.receivedDate),
          ),
        shipmentMode: d.mode,
        asOf: cutoff,
      },
      merchantDefaultDays,
      rule,
    );
    out.push({
      id: d.id,
      vendor: d.vendor,
      mode: d.mode,
      scheduled: d.scheduled,
      slip: daysBetween(d.scheduled, d.delivered),
      startDays: estimate.floorDays,
      endDays: estimate.allowanceDays,
      basis: estimate.basis,
    });
  }
  return out;
}

export type ReplayFigures = {
  rows: number;
  /** Delivered no later than the window's last day. */
  byEnd: number;
  inside: number;
  early: number;
  meanAllowance: number;
  medianAllowance: number;
  meanWidth: number;
  medianWidth: number;
};

const median = (ascending: readonly number[]) =>
  ascending.length === 0
    ? 0
    : ascending.length % 2
      ? ascending[(ascending.length - 1) / 2]!
      : (ascending[ascending.length / 2 - 1]! + ascending[ascending.length / 2]!) / 2;

export function replayFigures(windows: readonly ScoredWindow[]): ReplayFigures {
  const n = windows.length;
  const allowances = windows.map((w) => Math.max(0, w.endDays)).sort((a, b) => a - b);
  const widths = windows.map((w) => w.endDays - w.startDays + 1).sort((a, b) => a - b);
  const share = (test: (w: ScoredWindow) => boolean) => (n === 0 ? 0 : windows.filter(test).length / n);
  const mean = (values: readonly number[]) => (n === 0 ? 0 : values.reduce((t, x) => t + x, 0) / n);
  return {
    rows: n,
    byEnd: share((w) => w.slip <= w.endDays),
    inside: share((w) => w.slip >= w.startDays && w.slip <= w.endDays),
    early: share((w) => w.slip < w.startDays),
    meanAllowance: mean(allowances),
    medianAllowance: median(allowances),
    meanWidth: mean(widths),
    medianWidth: median(widths),
  };
}

/** Overall, per shipment mode, and per supplier with at least `minRows` scored rows. */
export function replayBreakdown(
  windows: readonly ScoredWindow[],
  minRows = 50,
): { label: string; figures: ReplayFigures }[] {
  const groups = (keyOf: (w: ScoredWindow) => string) => {
    const by = new Map<string, ScoredWindow[]>();
    for (const w of windows) by.set(keyOf(w), [...(by.get(keyOf(w)) ?? []), w]);
    return [...by.entries()].sort((a, b) => b[1].length - a[1].length);
  };
  return [
    { label: "overall", figures: replayFigures(windows) },
    ...groups((w) => w.mode).map(([mode, ws]) => ({ label: `mode: ${mode}`, figures: replayFigures(ws) })),
    ...groups((w) => w.vendor)
      .filter(([, ws]) => ws.length >= minRows)
      .map(([vendor, ws]) => ({ label: `supplier: ${vendor}`, figures: replayFigures(ws) })),
  ];
}

/** The windows file: one line per scored row, the window as days from its scheduled date. */
export function windowsCsv(windows: readonly ScoredWindow[]): string {
  return ["id,start_days,end_days", ...windows.map((w) => `${w.id},${w.startDays},${w.endDays}`)].join("\n") + "\n";
}
