import { daysBetween, type IsoDate } from "../dates";

/** A shipped line as ETA honesty sees it: the first window we showed, and the day it shipped. */
export type ShippedLine = { group: string; firstShipStart: IsoDate; firstShipEnd: IsoDate; shippedOn: IsoDate };

export type HonestyFigure = {
  group: string;
  shipped: number;
  /** Share of lines that shipped inside the first window we showed (0..1). */
  insideFirstWindow: number;
  /** Median of shipped day − first promised end, in days (positive = late). */
  medianSlipDays: number;
  lateShare: number;
  earlyShare: number;
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** How honest our first windows were, per group (supplier or merchant). */
export function etaHonesty(lines: readonly ShippedLine[]): HonestyFigure[] {
  const groups = new Map<string, ShippedLine[]>();
  for (const line of lines) groups.set(line.group, [...(groups.get(line.group) ?? []), line]);
  return [...groups]
    .map(([group, members]) => {
      const late = members.filter((l) => l.shippedOn > l.firstShipEnd).length;
      const early = members.filter((l) => l.shippedOn < l.firstShipStart).length;
      return {
        group,
        shipped: members.length,
        insideFirstWindow: (members.length - late - early) / members.length,
        medianSlipDays: median(members.map((l) => daysBetween(l.firstShipEnd, l.shippedOn))),
        lateShare: late / members.length,
        earlyShare: early / members.length,
      };
    })
    .sort((a, b) => a.group.localeCompare(b.group));
}
