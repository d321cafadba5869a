import {
  honestyFigures,
  promiseMethodLabels,
  promiseMethods,
  type HonestyFigures,
  type PromiseMethod,
  type ShippedLine,
} from "../../lib/eta/honesty";
import type { SlipRule } from "../../lib/eta/slip";
import { table } from "../lib";
import { behaviourLabels, behaviours, type Behaviour } from "./world";

export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
export const num = (x: number, digits = 2) => x.toFixed(digits);

export type GroupFigures = { group: string; figures: Record<PromiseMethod, HonestyFigures> };

/** Figures for every promise method, overall and per supplier behaviour. */
export function groupFigures(
  lines: readonly ShippedLine[],
  behaviourBySupplier: ReadonlyMap<string, Behaviour>,
): GroupFigures[] {
  const groups: { group: string; lines: readonly ShippedLine[] }[] = [{ group: "overall", lines }];
  for (const behaviour of behaviours) {
    const own = lines.filter((l) => l.supplierId !== null && behaviourBySupplier.get(l.supplierId) === behaviour);
    if (own.some((l) => l.waited)) groups.push({ group: behaviourLabels[behaviour], lines: own });
  }
  return groups.map(({ group, lines: own }) => ({
    group,
    figures: Object.fromEntries(promiseMethods.map((m) => [m, honestyFigures(own, m)])) as GroupFigures["figures"],
  }));
}

export function honestyTable(groups: readonly GroupFigures[]): string {
  const rowsOut: (string | number)[][] = [];
  for (const { group, figures } of groups) {
    for (const method of promiseMethods) {
      const f = figures[method];
      rowsOut.push([
        method === "ours" ? `**${group}**` : "",
        method === "ours" ? `**${promiseMethodLabels[method]}**` : promiseMethodLabels[method],
        f.lines,
        pct(f.hit),
        pct(f.early),
        pct(f.late),
        f.medianWidth,
        num(f.meanAbsError, 1),
        num(f.changesPerLine),
        num(f.revisionsPerLine),
        num(f.pushesPerLine),
        pct(f.noDateShare),
      ]);
    }
  }
  return table(
    [
      "supplier behaviour",
      "promise",
      "lines",
      "in window",
      "early",
      "late",
      "median width (days)",
      "mean abs error of middle (days)",
      "changes / line",
      "broken promises / line",
      "pushed later / line",
      "ever “no confirmed date”",
    ],
    rowsOut,
  );
}

export const ruleText = (rule: SlipRule) =>
  `late end p${Math.round(rule.lateQuantile * 100)}${rule.lateMarginDays ? ` + ${rule.lateMarginDays} d` : ""}, ` +
  `start p${Math.round(rule.earlyQuantile * 100)} of the slips weighted by age (half-life ${rule.halfLifeDays} d, last ${rule.lookbackDays} d), ` +
  `per supplier and shipment mode with ${rule.minReceipts}+ receipts, else the supplier, else every supplier; ` +
  `open POs overdue up to ${rule.overdueMaxDays} d stretch the late end${rule.overdueSameMode ? " of their own mode" : ""}`;

/** The narrowest run of days holding at least `share` of these slips: the least a window could be. */
export function narrowestCover(
  slips: readonly number[],
  share: number,
): { from: number; to: number; width: number } | null {
  if (slips.length === 0) return null;
  const sorted = [...slips].sort((a, b) => a - b);
  const need = Math.ceil(share * sorted.length);
  let best = { from: sorted[0]!, to: sorted[need - 1]!, width: sorted[need - 1]! - sorted[0]! + 1 };
  for (let i = 1; i + need - 1 < sorted.length; i++) {
    const width = sorted[i + need - 1]! - sorted[i]! + 1;
    if (width < best.width) best = { from: sorted[i]!, to: sorted[i + need - 1]!, width };
  }
  return best;
}

/**
 * Per behaviour, the narrowest window that would have held 90% (and 95%) of its deliveries, with
 * hindsight, beside what our first windows did: why a behaviour misses, and what reaching the
 * target would cost there.
 */
export function costTable(groups: readonly GroupFigures[], slipsByBehaviour: ReadonlyMap<Behaviour, number[]>): string {
  const rowsOut = behaviours
    .filter((b) => slipsByBehaviour.has(b))
    .map((b) => {
      const slips = slipsByBehaviour.get(b)!;
      const ours = groups.find((g) => g.group === behaviourLabels[b])?.figures.ours;
      const cover = (share: number) => {
        const c = narrowestCover(slips, share);
        return c ? `${c.width} (${c.from} to ${c.to})` : "";
      };
      return [
        behaviourLabels[b],
        slips.length,
        `${Math.min(...slips)} to ${Math.max(...slips)}`,
        cover(0.9),
        cover(0.95),
        ours ? pct(ours.hit) : "",
        ours?.medianWidth ?? "",
      ];
    });
  return table(
    [
      "supplier behaviour",
      "deliveries",
      "slip range (days)",
      "narrowest window holding 90% (days)",
      "holding 95%",
      "our hit",
      "our median width",
    ],
    rowsOut,
  );
}
