// npm run bench [-- --only eta,load] [--out bench/REPORT.md] [--seconds 60] [--no-build]
// Runs every benchmark in bench/ one after another, on this machine's PostgreSQL, and writes one
// Markdown report: for each, what was measured, its baseline from the same run, and what the script
// printed as its result (p50 / p99 / throughput and the ratio to that baseline). Each script runs
// in a process of its own, so one's memory or open handles cannot colour the next one's figures.
// The million-order database for search and load is made by `npm run bench:data` when missing.
// Figures are never checked against targets here: timing depends on the machine and its load.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { databaseUrl, fmt, serverUrl } from "./lib";

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    out: { type: "string", default: "bench/REPORT.md" },
    seconds: { type: "string", default: "60" },
    orders: { type: "string", default: "1000000" },
    "no-build": { type: "boolean", default: false },
  },
});

type Bench = {
  name: string;
  title: string;
  measured: string;
  baseline: string;
  command: string[];
  needsBigDatabase?: boolean;
  needsBuild?: boolean;
};

const benches: Bench[] = [
  {
    name: "eta",
    title: "ETA recompute",
    measured:
      "PostgreSQL with 100,000 backordered lines over 1,000 SKUs and 3,000 PO lines: recomputing every window, and one supplier slip that moves 20,000 lines (the whole transaction).",
    baseline: "The naive way, in the same run: re-dating the slipped SKUs' lines one by one.",
    command: ["bench:eta"],
  },
  {
    name: "notify",
    title: "Email dispatch",
    measured:
      "10,000 due notices dispatched to the local Resend stand-in over real HTTP by one and by four `npm run worker` processes (batches of at most 100).",
    baseline:
      "The stand-in's own rate with no work: the same pre-rendered batches posted by one and four senders, no database.",
    command: ["bench:notify"],
  },
  {
    name: "pages",
    title: "Shopper pages (Pages Router, demo data)",
    measured:
      "The built app (`next start`, one process) on PostgreSQL with the demo data: for every shopper route, the server CPU one request costs (utime + stime of the app's process tree, and of PostgreSQL's), latency and throughput at 10 connections, the JavaScript Chromium loads and Lighthouse's mobile scores; then the order page and the signed view at 200/s (open loop).",
    baseline:
      "In the same run, bench/floor-server.ts: a bare `node:http` server doing the order page's own reads and rendering its own component with React (`renderToString`), or answering them as JSON; the floor for any page.",
    command: ["bench:pages", "--", "--seconds", values.seconds!],
    needsBuild: true,
  },
  {
    name: "search",
    title: "Support search (1,000,000 orders)",
    measured:
      "Support search as an agent types, on the million-order database: order number, email, partial name, SKU and tracking number, for an admin (20 shops) and an agent (1 shop).",
    baseline: "Reading one order by primary key on the same database.",
    command: ["bench:search"],
    needsBigDatabase: true,
  },
  {
    name: "load",
    title: "Sustained load (1,000,000 orders)",
    measured:
      "The built app (two processes, scripts/serve.ts) on the million-order database, each route at a fixed rate for the given seconds (open loop: requests leave on schedule whatever the server does, and latency counts from when each was due).",
    baseline:
      "A bare `node:http` server running each page's own query and answering JSON, at the same rate: the order view for the order page and the signed view, the list for `/orders`, `lookupOrder` (rate limits included) for lookup. These floors are what the page rows are compared with; orders sent 20 to a request are compared with the same orders sent one a request.",
    command: ["bench:load", "--", "--seconds", values.seconds!],
    needsBigDatabase: true,
    needsBuild: true,
  },
  {
    name: "replica",
    title: "Read replicas",
    measured:
      "The order page's query and the order lookup at the load run's rates (200/s + 100/s, open loop) with DATABASE_READ_URL's routing sending those reads to a streaming replica, on 100,000 orders in a primary and a replica the bench starts itself (ports 5464-5465): latency and CPU per request on each server.",
    baseline: "The same load on the primary alone, in the same run.",
    command: ["bench:replica", "--", "--seconds", values.seconds!],
  },
  {
    name: "honesty",
    title: "ETA honesty (simulation)",
    measured:
      "180 simulated days of one merchant through the real domain functions: how often a shopper's first window held, against two baselines on the same events. The full report, with real deliveries replayed, is bench/HONESTY.md.",
    baseline: 'The supplier\'s promised date plus handling shown as one date, and a fixed "ships in 2–4 weeks".',
    command: ["bench:honesty", "--", "--no-replay"],
  },
];

const only = values.only?.split(",").map((s) => s.trim());
const chosen = benches.filter((b) => !only || only.includes(b.name));
if (chosen.length === 0) throw new Error(`--only must name some of: ${benches.map((b) => b.name).join(", ")}.`);

function npm(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync("npm", ["run", "--silent", ...args], { stdio: "inherit", env });
}

async function bigDatabaseOrders(): Promise<number> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = 'backorder_bench'`;
    if (!exists) return 0;
  } finally {
    await admin.end();
  }
  const sql = postgres(databaseUrl("backorder_bench"), { max: 1, onnotice: () => {} });
  try {
    const [{ n }] = (await sql`select count(*)::int as n from orders`) as unknown as [{ n: number }];
    return n;
  } catch {
    return 0;
  } finally {
    await sql.end();
  }
}

const git = (args: string[]) => spawnSync("git", args, { encoding: "utf8" }).stdout.trim();
const scratch = mkdtempSync(path.join(tmpdir(), "bench-"));
const sections: string[] = [];
const startedAt = new Date();

if (chosen.some((b) => b.needsBigDatabase) && (await bigDatabaseOrders()) < Number(values.orders) * 0.99) {
  console.log(`\n▶ npm run bench:data -- --orders ${values.orders} (the million-order database is missing)`);
  const result = npm(["bench:data", "--", "--orders", values.orders!]);
  if (result.status !== 0) throw new Error("npm run bench:data failed.");
}

// The pages are measured on a production build of this checkout (skip with --no-build when .next is current).
if (chosen.some((b) => b.needsBuild) && !values["no-build"]) {
  console.log("\n▶ npm run build");
  if (npm(["build"], { ...process.env, NEXT_DIST_DIR: "" }).status !== 0) throw new Error("npm run build failed.");
}

for (const bench of chosen) {
  const file = path.join(scratch, `${bench.name}.md`);
  writeFileSync(file, "");
  console.log(`\n▶ npm run ${bench.command.join(" ")}`);
  const started = performance.now();
  const result = npm(bench.command, { ...process.env, BENCH_REPORT: file });
  const took = performance.now() - started;
  // A script's own headings sit under its section here.
  const body = readFileSync(file, "utf8")
    .trim()
    .replace(/^(#{1,4}) /gm, "$1## ");
  sections.push(
    [
      `## ${bench.title}`,
      "",
      `**Measured:** ${bench.measured}`,
      "",
      `**Baseline:** ${bench.baseline}`,
      "",
      `Reproduce: \`npm run ${bench.command.join(" ")}\` (took ${fmt(took)} here).`,
      "",
      result.status === 0
        ? body
        : `**This benchmark failed (exit ${result.status}).** What it printed before failing:\n\n${body || "(nothing)"}`,
    ].join("\n"),
  );
}

const pgVersion = await (async () => {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    const [{ v }] = (await sql`select current_setting('server_version') as v`) as unknown as [{ v: string }];
    return v;
  } finally {
    await sql.end();
  }
})();

const header = [
  "# Benchmarks",
  "",
  `Measured ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC at commit ${git(["rev-parse", "--short", "HEAD"])} on ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}), ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, PostgreSQL ${pgVersion} on the same machine. ` +
    `Reproduce everything with \`npm run bench\` (${chosen.length === benches.length ? "all of it" : `this report: \`npm run bench -- --only ${chosen.map((b) => b.name).join(",")}\``}); ` +
    "each section names its own command. Benchmarks print figures and never fail on timing; the targets named are the issues' targets for this 2-core machine.",
  "",
  "Ratios compare against a baseline measured in the same run, so they hold better across machines than the absolute figures do. ../shared/benchmarks.md explains the load-testing method (open loop for sustained rates).",
  "",
];
writeFileSync(values.out!, `${[...header, ...sections].join("\n")}\n`);
console.log(
  `\nWrote ${values.out} (${chosen.length} benchmark${chosen.length === 1 ? "" : "s"}, ${fmt(Date.now() - startedAt.getTime())}).`,
);
