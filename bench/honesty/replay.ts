import { readFileSync } from "node:fs";
import { addDays, daysBetween, type IsoDate } from "../../lib/dates";
import { percentileOf, slipWindow, withoutOutliers, type SlipRule, type SupplierReceipt } from "../../lib/eta/slip";

// Replays the real delivery history in ../shared/data through the slip rule: walk the shipments
// in scheduled order, give each a window from its vendor's earlier deliveries only, and count how
// often the delivery landed inside it and how wide the windows were.

export type Delivery = {
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
  const [vendor, mode, poSent, scheduled, delivered] = [
    "vendor",
    "shipment_mode",
    "po_sent",
    "scheduled",
    "delivered",
  ].map(at);
  return body
    .filter((r) => r.length === header!.length)
    .map((r) => ({
      vendor: r[vendor!]!,
      mode: r[mode!]!,
      poSent: r[poSent!] || null,
      scheduled: r[scheduled!]!,
      delivered: r[delivered!]!,
    }));
}

export type ReplayKey = "vendor" | "vendor_mode";

export type ReplayOptions = {
  rule: SlipRule;
  merchantDefaultDays: number;
  /** Whose history counts: the vendor's, or the vendor's with the same shipment mode. */
  key: ReplayKey;
  /**
   * Only deliveries that had arrived this many days before the shipment was due count (a window
   * is shown weeks before the date, not on it). Null: every earlier row, as the data's README says.
   */
  knownDaysBefore: number | null;
};

export type ReplayFigures = {
  shipments: number;
  hit: number;
  early: number;
  late: number;
  /** Delivered by the late end: the share a "by" date would have kept. */
  notLate: number;
  medianWidth: number;
  meanWidth: number;
  /** Shipments whose window came from the vendor's own history rather than the default. */
  fromHistory: number;
};

const keyOf = (d: Delivery, key: ReplayKey) => (key === "vendor" ? d.vendor : `${d.vendor}|${d.mode}`);

/** Replays through `slipWindow` itself: the figures the rule really gives. */
export function replay(deliveries: readonly Delivery[], options: ReplayOptions): ReplayFigures {
  const history = new Map<string, { receipt: SupplierReceipt; delivered: IsoDate }[]>();
  const windows: { floor: number; allowance: number; slip: number; own: boolean }[] = [];
  for (const d of deliveries) {
    const key = keyOf(d, options.key);
    const earlier = history.get(key) ?? [];
    const cutoff = options.knownDaysBefore === null ? null : addDays(d.scheduled, -options.knownDaysBefore);
    const known = cutoff === null ? earlier : earlier.filter((e) => e.delivered <= cutoff);
    // Receipts are remembered in the order they arrived, as supplierReceipts reads them.
    const receipts = known.map((e) => e.receipt).sort((a, b) => a.receivedDate.localeCompare(b.receivedDate));
    const window = slipWindow(receipts, options.merchantDefaultDays, options.rule);
    windows.push({
      floor: window.floorDays,
      allowance: window.allowanceDays,
      slip: daysBetween(d.scheduled, d.delivered),
      own: receipts.length >= options.rule.minReceipts,
    });
    earlier.push({
      receipt: { firstPromisedDate: d.scheduled, receivedDate: d.delivered, shipmentMode: d.mode },
      delivered: d.delivered,
    });
    history.set(key, earlier);
  }
  return figures(windows);
}

function figures(windows: { floor: number; allowance: number; slip: number; own: boolean }[]): ReplayFigures {
  const n = windows.length;
  const widths = windows.map((w) => w.allowance - w.floor + 1).sort((a, b) => a - b);
  return {
    shipments: n,
    hit: windows.filter((w) => w.slip >= w.floor && w.slip <= w.allowance).length / n,
    early: windows.filter((w) => w.slip < w.floor).length / n,
    late: windows.filter((w) => w.slip > w.allowance).length / n,
    notLate: windows.filter((w) => w.slip <= w.allowance).length / n,
    medianWidth: widths[Math.floor((n - 1) / 2)]!,
    meanWidth: widths.reduce((t, w) => t + w, 0) / n,
    fromHistory: windows.filter((w) => w.own).length / n,
  };
}

export type GridPoint = { rule: SlipRule; key: ReplayKey; figures: ReplayFigures };

/**
 * Every combination of the rule's knobs, replayed. The same percentiles as `slipWindow`, computed
 * from slips sorted once per shipment so a grid of hundreds of rules takes seconds; the chosen
 * rules are replayed again through `slipWindow` itself, and the two must agree.
 */
export function replayGrid(
  deliveries: readonly Delivery[],
  grid: {
    percentiles: number[];
    floorPercentiles: (number | null)[];
    minReceipts: number[];
    recentReceipts: number[];
    outlierIqrs: (number | null)[];
    keys: ReplayKey[];
  },
  merchantDefaultDays: number,
  knownDaysBefore: number | null,
): GridPoint[] {
  const points: GridPoint[] = [];
  const slips = deliveries.map((d) => daysBetween(d.scheduled, d.delivered));
  for (const key of grid.keys) {
    for (const recent of grid.recentReceipts) {
      // For each shipment, its vendor's recent slips known at the time, sorted.
      const history = new Map<string, { delivered: IsoDate; slip: number }[]>();
      const known: number[][] = deliveries.map((d, i) => {
        const k = keyOf(d, key);
        const earlier = history.get(k) ?? [];
        const cutoff = knownDaysBefore === null ? null : addDays(d.scheduled, -knownDaysBefore);
        const usable = (cutoff === null ? earlier : earlier.filter((e) => e.delivered <= cutoff))
          .slice()
          .sort((a, b) => a.delivered.localeCompare(b.delivered));
        earlier.push({ delivered: d.delivered, slip: slips[i]! });
        history.set(k, earlier);
        return usable
          .slice(-recent)
          .map((e) => e.slip)
          .sort((a, b) => a - b);
      });
      for (const outlierIqrs of grid.outlierIqrs) {
        const kept = known.map((sorted) => (sorted.length === 0 ? sorted : withoutOutliers(sorted, outlierIqrs)));
        for (const minReceipts of grid.minReceipts) {
          for (const percentile of grid.percentiles) {
            for (const floorPercentile of grid.floorPercentiles) {
              const windows = kept.map((sorted, i) => {
                if (known[i]!.length < minReceipts)
                  return { floor: 0, allowance: merchantDefaultDays, slip: slips[i]!, own: false };
                const allowance = Math.max(0, percentileOf(sorted, percentile));
                const floor = floorPercentile === null ? 0 : Math.min(allowance, percentileOf(sorted, floorPercentile));
                return { floor, allowance, slip: slips[i]!, own: true };
              });
              points.push({
                rule: { percentile, floorPercentile, minReceipts, recentReceipts: recent, outlierIqrs },
                key,
                figures: figures(windows),
              });
            }
          }
        }
      }
    }
  }
  return points;
}
