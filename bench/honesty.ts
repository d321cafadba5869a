// npm run bench:honesty — how honest our ship windows are: 180 simulated days of one merchant
// driving the real domain functions with a controllable clock, each shipped line's first window
// compared with the day it shipped, against two baselines; then the real delivery history in
// ../shared/data replayed through the slip rule. Prints markdown (bench/HONESTY.md is its output).
//
//   npm run bench:honesty                       # the full run on the local PostgreSQL server
//   npm run bench:honesty -- --pglite           # the same on embedded PGlite (slower)
//   npm run bench:honesty -- --days 30 --skus 40 --no-replay
//   npm run bench:honesty -- --rule late=0.9,early=0.1,halflife=60   # try a rule (experiments; names as eta:replay's)
//   npm run bench:honesty -- --compare --skus 100  # the candidate rules of docs/eta.md, one simulation each
//   npm run bench:honesty -- --out bench/HONESTY.md
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { openPglite, type Database } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import { deliverySlips, shippedLines } from "../lib/eta/honesty";
import { defaultSlipRule, type SlipRule } from "../lib/eta/slip";
import { daysBetween } from "../lib/dates";
import { figuresTable, parseRule } from "./eta-replay";
import { costTable, groupFigures, honestyTable, num, pct, ruleText } from "./honesty/report";
import { readDeliveries, replayBreakdown, replayStrict, type Delivery } from "./honesty/replay";
import { simulate } from "./honesty/simulate";
import { behaviourLabels, behaviours, fullConfig, planWorld, type Behaviour, type SimConfig } from "./honesty/world";
import { fmt, freshBenchDatabase, report, table, time } from "./lib";

const { values: args } = parseArgs({
  options: {
    days: { type: "string" },
    skus: { type: "string" },
    seed: { type: "string" },
    pglite: { type: "boolean", default: false },
    rule: { type: "string" },
    out: { type: "string" },
    "no-replay": { type: "boolean", default: false },
    "no-sim": { type: "boolean", default: false },
    compare: { type: "boolean", default: false },
  },
});

/** `--rule` changes the default rule for this process only, so candidate rules can be compared. */
function applyRule(text: string | undefined): void {
  if (text) Object.assign(defaultSlipRule, parseRule(text));
}

async function openDatabase(): Promise<Database> {
  if (args.pglite) {
    const database = openPglite(undefined);
    await migrate(database);
    return database;
  }
  return freshBenchDatabase("backorder_bench_honesty");
}

const vendors = ["Orgenics, Ltd", "Aurobindo Pharma Limited"];

const legend =
  "In window, early, late: where the ship day fell against the first window the shopper saw. Width counts both ends. " +
  "Mean abs error: days between the ship day and the window's middle. Changes: entries in the line's ETA history after that first window; " +
  "broken promises: changes that replaced a dated window with one not inside it, or with no date (for a single date, every change); " +
  "pushed later: changes that moved the last day later. Ever “no confirmed date”: the line showed no date at some point (a PO then gave it one). " +
  "The single date is rebuilt from each ETA event's basis date plus handling days, and keeps showing a supplier date that has passed until the supplier sends a new one.";

/** Rules compared by `--compare`: the shipped one and its neighbours on the real-data frontier (docs/eta.md). */
const candidates: { name: string; rule: SlipRule }[] = [
  { name: "shipped", rule: { ...defaultSlipRule } },
  { name: "late end p90", rule: { ...defaultSlipRule, lateQuantile: 0.9 } },
  { name: "late end p97", rule: { ...defaultSlipRule, lateQuantile: 0.97 } },
  { name: "start p10", rule: { ...defaultSlipRule, earlyQuantile: 0.1 } },
  { name: "half-life 30 days", rule: { ...defaultSlipRule, halfLifeDays: 30 } },
];

function simConfig(deliveries: Delivery[]): SimConfig {
  return {
    ...fullConfig,
    days: args.days ? Number(args.days) : fullConfig.days,
    skus: args.skus ? Number(args.skus) : fullConfig.skus,
    seed: args.seed ? Number(args.seed) : fullConfig.seed,
    replayedVendors: vendors.map((name) => ({
      name,
      slips: deliveries.filter((d) => d.vendor === name).map((d) => daysBetween(d.scheduled, d.delivered)),
    })),
  };
}

async function runSimulation(config: SimConfig) {
  const world = planWorld(config);
  const database = await openDatabase();
  try {
    const run = await time(() => simulate(database.db, world, { log: (m) => console.error(m) }));
    const lines = await shippedLines(database.db, run.result.merchantId);
    const slips = new Map<Behaviour, number[]>();
    for (const receipt of await deliverySlips(database.db, run.result.merchantId)) {
      const behaviour = run.result.behaviourBySupplier.get(receipt.supplierId)!;
      slips.set(behaviour, [...(slips.get(behaviour) ?? []), receipt.slip]);
    }
    return {
      world,
      ms: run.ms,
      result: run.result,
      lines,
      slips,
      groups: groupFigures(lines, run.result.behaviourBySupplier),
    };
  } finally {
    await database.close();
  }
}

async function main() {
  applyRule(args.rule);
  const command = `npm run bench:honesty${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
  const out: string[] = [];
  const print = (text = "") => {
    out.push(text);
    report(text);
  };
  const deliveries = readDeliveries();
  const started = performance.now();
  const config = simConfig(deliveries);

  print("# ETA honesty");
  print();
  print(
    `Reproduce with \`${command}\` (${args.pglite ? "PGlite" : "PostgreSQL"}). Slip rule: ${ruleText(defaultSlipRule)}.`,
  );
  print();
  print("The rule, why it is what it is, and the trade-off between width and hit rate: docs/eta.md.");

  if (args.compare) {
    print();
    print(
      `## Candidate rules on the same simulated world (${config.skus} SKUs, ${config.days} days, seed ${config.seed})`,
    );
    print();
    print("Each cell: share of waiting lines shipped inside the first window / median window width in days.");
    print();
    const saved = { ...defaultSlipRule };
    const rowsOut: (string | number)[][] = [];
    for (const candidate of candidates) {
      Object.assign(defaultSlipRule, candidate.rule);
      const run = await runSimulation(config);
      const cell = (group: string) => {
        const f = run.groups.find((g) => g.group === group)?.figures.ours;
        return f ? `${pct(f.hit)} / ${f.medianWidth}` : "";
      };
      const overall = run.groups[0]!.figures;
      rowsOut.push([
        `${candidate.name} (${ruleText(candidate.rule)})`,
        cell("overall"),
        pct(overall.ours.late),
        num(overall.ours.revisionsPerLine),
        ...behaviours.map((b) => cell(behaviourLabels[b])),
      ]);
      console.error(`${candidate.name}: ${cell("overall")}`);
    }
    Object.assign(defaultSlipRule, saved);
    print(
      table(
        ["rule", "overall", "late", "broken promises / line", ...behaviours.map((b) => behaviourLabels[b])],
        rowsOut,
      ),
    );
  } else if (!args["no-sim"]) {
    const run = await runSimulation(config);
    const { counts } = run.result;
    const waited = run.lines.filter((l) => l.waited);
    const disagree = waited.filter(
      (l) => l.firstStart !== l.historyFirstStart || l.firstEnd !== l.historyFirstEnd,
    ).length;
    print();
    print("## Simulation");
    print();
    print(
      `${config.days} days of orders after ${config.historyDays} days of supplier history (then up to ${config.drainDays} more for the queues to drain; ` +
        `${counts.daysRun} run), seed ${config.seed}, ${config.skus} SKUs, ${run.world.suppliers.length} suppliers, handling ${config.handlingDays} day, ` +
        `merchant default slip ${config.defaultSlipDays} days. ${counts.orders} orders, ${counts.purchaseOrders} POs, ${counts.receipts} receipts, ` +
        `${counts.dateChanges} supplier date changes, ${counts.shipments} parcels, ${counts.cancelledLines} lines cancelled by shoppers, ` +
        `${counts.openLinesAtEnd} lines still open at the end. Simulated in ${fmt(run.ms)}.`,
    );
    print();
    print(
      `${run.lines.length} lines shipped; ${waited.length} of them waited for supply (the rest were in stock when ordered and are left out). ` +
        `Every figure is read from the engine's records: the first window from order_lines.first_ship_*, changes from eta_events, ` +
        `the ship day from shipments (${disagree} lines where the first window on the line and in the ETA history disagree).`,
    );
    print();
    print(honestyTable(run.groups));
    print();
    print(legend);
    const overall = run.groups[0]!.figures;
    const check = (ok: boolean) => (ok ? "met" : "NOT met");
    print();
    print(
      `Target: overall in-window at least 90% (${pct(overall.ours.hit)}, ${check(overall.ours.hit >= 0.9)}) with a median width of at most 5 days ` +
        `(${overall.ours.medianWidth}, ${check(overall.ours.medianWidth <= 5)}), and at most half as many broken promises per line as the single ` +
        `date's changes: ${num(overall.ours.revisionsPerLine)} against half of ${num(overall.single_date.changesPerLine)} ` +
        `(${check(overall.ours.revisionsPerLine <= overall.single_date.changesPerLine / 2)}); ${num(overall.ours.pushesPerLine)} pushed later against ` +
        `${num(overall.single_date.pushesPerLine)}. Every entry in the ETA history counted, ours has ${num(overall.ours.changesPerLine)} per line: ` +
        "the rest are a window closing in (stock arrived and the line ships on a known day) with its last day kept or brought forward, " +
        "good news that stays in the history and breaks no promise (product.md). A window's start moving up to today because the old start passed is not an entry (docs/eta.md).",
    );
    print();
    print(
      "Where a behaviour misses, and what the target would cost there: each behaviour's deliveries (received day less the first promised day, from the engine's receipts) and the narrowest window that would have held 90% or 95% of them with hindsight.",
    );
    print();
    print(costTable(run.groups, run.slips));
    print();
    print(
      "Time in the domain: " +
        Object.entries(run.result.timings)
          .map(([kind, t]) => `${kind} ${t.calls}× ${(t.ms / t.calls).toFixed(1)} ms`)
          .join(", ") +
        ".",
    );
  }

  if (!args["no-replay"]) printReplay(deliveries, print);
  print();
  print(`Whole run: ${fmt(performance.now() - started)}.`);
  if (args.out) writeFileSync(args.out, `${out.join("\n")}\n`);
}

function printReplay(deliveries: Delivery[], print: (text?: string) => void) {
  const scoreFrom = "2010-01-01";
  const windows = replayStrict(deliveries, { merchantDefaultDays: fullConfig.defaultSlipDays, scoreFrom });
  print();
  print("## Real deliveries replayed through the slip model, without look-ahead");
  print();
  print(
    `${deliveries.length} shipments from ../shared/data, walked forward; the ${windows.length} scheduled from ${scoreFrom} on are scored. ` +
      "Each row's window is drawn by `slipEstimate` itself from what was known 14 days before its scheduled date: deliveries made before then, " +
      "and its supplier's POs overdue then (as at least that late). Late allowance: the window's last day, in days after the scheduled date. " +
      `Widths count both ends. The same as \`npm run eta:replay -- ../shared/data/supplier-deliveries-2006-2012.csv --score-from ${scoreFrom}\`; ` +
      "the rules tried and the frontier between hit rate and allowance: docs/eta.md.",
  );
  print();
  print(figuresTable(replayBreakdown(windows)));
}

await main();
