// What the entries in a line's ETA history are: runs the honesty simulation (bench/honesty.ts) and
// sorts every eta_events row after a waited, shipped line's first dated window by kind. The
// figures behind docs/eta.md "What changes means".
//
//   npx tsx bench/honesty-kinds.ts                      # the full world (200 SKUs, 180 days), ~3 minutes
//   npx tsx bench/honesty-kinds.ts --days 60 --skus 60  # a short run, ~30 seconds
import { parseArgs } from "node:util";
import postgres from "postgres";
import { sql } from "drizzle-orm";
import { rows } from "../lib/db/client";
import { addDays, daysBetween } from "../lib/dates";
import { shippedLines } from "../lib/eta/honesty";
import { readDeliveries } from "./honesty/replay";
import { simulate } from "./honesty/simulate";
import { fullConfig, planWorld } from "./honesty/world";
import { freshBenchDatabase, serverUrl } from "./lib";

const { values: args } = parseArgs({
  options: { days: { type: "string" }, skus: { type: "string" }, seed: { type: "string" } },
});

type Event = {
  order_line_id: string | number;
  old_ship_start: string | null;
  old_ship_end: string | null;
  new_ship_start: string | null;
  new_ship_end: string | null;
  old_basis: string | null;
  new_basis: string;
  basis_date: string | null;
  reason: string;
  on_day: string;
};

const kinds = {
  a: "end kept, start moved up to today + handling on the same basis (the calendar, not news)",
  b: "stock arrived, last day kept or brought forward",
  c: "last day moved later, or no date any more",
  d: "other: last day brought forward or kept on a PO",
} as const;
type Kind = keyof typeof kinds;

function kindOf(event: Event, before: Event, handlingDays: number): Kind {
  const { old_ship_start: oldStart, old_ship_end: oldEnd, new_ship_start: newStart, new_ship_end: newEnd } = event;
  if (
    oldEnd !== null &&
    newEnd === oldEnd &&
    newStart! > oldStart! &&
    event.new_basis === event.old_basis &&
    event.basis_date === before.basis_date &&
    newStart === addDays(event.on_day, handlingDays)
  ) {
    return "a";
  }
  if (event.new_basis === "stock" && newEnd !== null && oldEnd !== null && newEnd <= oldEnd) return "b";
  if (newEnd === null || (oldEnd !== null && newEnd > oldEnd)) return "c";
  return "d";
}

const deliveries = readDeliveries();
const config = {
  ...fullConfig,
  days: args.days ? Number(args.days) : fullConfig.days,
  skus: args.skus ? Number(args.skus) : fullConfig.skus,
  seed: args.seed ? Number(args.seed) : fullConfig.seed,
  replayedVendors: ["Orgenics, Ltd", "Aurobindo Pharma Limited"].map((name) => ({
    name,
    slips: deliveries.filter((d) => d.vendor === name).map((d) => daysBetween(d.scheduled, d.delivered)),
  })),
};
const name = "backorder_bench_honesty_kinds";
const database = await freshBenchDatabase(name);
try {
  const result = await simulate(database.db, planWorld(config));
  const lines = (await shippedLines(database.db, result.merchantId)).filter((l) => l.waited);
  const waited = new Set(lines.map((l) => l.lineId));
  const events = await rows<Event>(
    database.db,
    sql`select e.order_line_id, e.old_ship_start::text, e.old_ship_end::text, e.new_ship_start::text, e.new_ship_end::text,
               e.old_basis, e.new_basis, e.basis_date::text, e.reason, (e.at at time zone m.timezone)::date::text as on_day
        from eta_events e join merchants m on m.id = e.merchant_id
        where e.merchant_id = ${result.merchantId}
        order by e.order_line_id, e.at, e.id`,
  );
  const history = new Map<number, Event[]>();
  for (const event of events) {
    const id = Number(event.order_line_id);
    if (waited.has(id)) history.set(id, [...(history.get(id) ?? []), event]);
  }
  const count = new Map<Kind, number>();
  const byReason = new Map<string, number>();
  let total = 0;
  // The single-date baseline shows its first date not before the day it was given and later ones as
  // the supplier gave them, so an entry of ours on the same supplier date after a first date given
  // late counts as a change of the single date too.
  let sameDateChanges = 0;
  for (const list of history.values()) {
    const first = list.findIndex((e) => e.new_ship_start !== null);
    if (first === -1) continue;
    const f = list[first]!;
    if (f.basis_date !== null && f.basis_date < f.on_day && f.new_basis !== "override") {
      const next = list.slice(first + 1).find((e) => e.new_basis !== "override");
      if (next && next.basis_date === f.basis_date && next.new_basis !== "unknown") sameDateChanges++;
    }
    for (let i = first + 1; i < list.length; i++) {
      const kind = kindOf(list[i]!, list[i - 1]!, config.handlingDays);
      total++;
      count.set(kind, (count.get(kind) ?? 0) + 1);
      const key = `${kind} ${list[i]!.reason}`;
      byReason.set(key, (byReason.get(key) ?? 0) + 1);
    }
  }
  const n = lines.length;
  console.log(
    `${config.days} days, ${config.skus} SKUs, seed ${config.seed}: ${n} waited lines shipped, ${total} ETA history entries after the first dated window (${(total / n).toFixed(2)} per line)\n`,
  );
  console.log("| kind | entries | share | per line |\n| --- | --- | --- | --- |");
  for (const kind of Object.keys(kinds) as Kind[]) {
    const k = count.get(kind) ?? 0;
    console.log(
      `| (${kind}) ${kinds[kind]} | ${k} | ${total ? ((100 * k) / total).toFixed(1) : "0.0"}% | ${(k / n).toFixed(2)} |`,
    );
  }
  console.log(
    `\nBy reason: ${[...byReason]
      .sort()
      .map(([key, k]) => `${key} ${k}`)
      .join(", ")}`,
  );
  const singleChanges = lines.reduce((t, l) => t + l.singleDateChanges, 0);
  console.log(
    `\nThe single date (lib/eta/honesty.ts) changed ${singleChanges} times (${(singleChanges / n).toFixed(2)} per line), ` +
      `${sameDateChanges} of them (${(sameDateChanges / n).toFixed(2)} per line) at an entry of ours on an unchanged supplier date after a first date given late.`,
  );
} finally {
  await database.close();
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
