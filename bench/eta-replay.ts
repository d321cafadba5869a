// npm run eta:replay -- <file.csv> [--score-from YYYY-MM-DD] [--out windows.csv] [--rule late=0.95,early=0.05,...]
//
// Walks a delivery file in the ../shared/data format through the engine's slip model in time
// order, each row's window drawn from what was known 14 days before it was due (strict
// availability: bench/honesty/replay.ts), and prints how the windows held: overall, per shipment
// mode and per supplier with at least 50 scored rows. --out writes `id,start_days,end_days` for
// every scored row, the window as days from the row's scheduled date.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { isIsoDate } from "../lib/dates";
import { defaultSlipRule, type SlipRule } from "../lib/eta/slip";
import { readDeliveries, replayBreakdown, replayStrict, windowsCsv, type ReplayFigures } from "./honesty/replay";
import { table } from "./lib";

const ruleNames: Record<string, keyof SlipRule> = {
  late: "lateQuantile",
  early: "earlyQuantile",
  margin: "lateMarginDays",
  tail: "marginTailDays",
  halflife: "halfLifeDays",
  lookback: "lookbackDays",
  min: "minReceipts",
  overduemax: "overdueMaxDays",
  overduemin: "overdueMinDays",
  overduemode: "overdueSameMode",
};

/** `--rule late=0.9,halflife=60` tries a rule other than the default (experiments). */
export function parseRule(text: string | undefined): SlipRule {
  const rule = { ...defaultSlipRule };
  if (!text) return rule;
  for (const part of text.split(",")) {
    const [name, value] = part.split("=") as [string, string | undefined];
    const key = ruleNames[name];
    if (!key || value === undefined || !Number.isFinite(Number(value)))
      throw new Error(`--rule takes name=number pairs among ${Object.keys(ruleNames).join(", ")}; got "${part}"`);
    rule[key] = Number(value);
  }
  return rule;
}

export function figuresTable(entries: { label: string; figures: ReplayFigures }[]): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const d = (x: number) => x.toFixed(1);
  return table(
    ["rows", "scored", "by the end", "inside", "early", "late allowance mean / median (d)", "width mean / median (d)"],
    entries.map(({ label, figures: f }) => [
      label,
      f.rows,
      pct(f.byEnd),
      pct(f.inside),
      pct(f.early),
      `${d(f.meanAllowance)} / ${d(f.medianAllowance)}`,
      `${d(f.meanWidth)} / ${d(f.medianWidth)}`,
    ]),
  );
}

function main() {
  const { values: args, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      "score-from": { type: "string" },
      out: { type: "string" },
      rule: { type: "string" },
      "default-days": { type: "string" },
    },
  });
  const [file] = positionals;
  if (!file) throw new Error("usage: npm run eta:replay -- <file.csv> [--score-from YYYY-MM-DD] [--out windows.csv]");
  const scoreFrom = args["score-from"] ?? null;
  if (scoreFrom !== null && !isIsoDate(scoreFrom))
    throw new Error(`--score-from must be a date (YYYY-MM-DD); got "${scoreFrom}"`);
  const windows = replayStrict(readDeliveries(file), {
    rule: parseRule(args.rule),
    merchantDefaultDays: args["default-days"] ? Number(args["default-days"]) : 5,
    scoreFrom,
  });
  if (args.out) writeFileSync(args.out, windowsCsv(windows));
  console.log(figuresTable(replayBreakdown(windows)));
}

if (import.meta.url === `file://${process.argv[1]}`) main();
