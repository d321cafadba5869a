// npm run bench:replica [-- --orders 100000 --seconds 30 --port 5464]
// The order page's query and the order lookup at the load run's rates (200/s and 100/s together,
// as in bench/load.ts) on a PostgreSQL primary alone, then with DATABASE_READ_URL's routing sending
// those reads to a streaming replica: latency, where each read ran, and the CPU each server spent
// per request (its postmaster and all its processes, from /proc). The primary and the replica are
// the bench's own, made from the installed PostgreSQL 15 (testing/replica.ts) on two ports of its
// own and removed at the end; the data comes from bench/data.ts. The app's own CPU per page is the
// same either way (it renders the same rows), so this measures the part that moves: the database.
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { openPostgres, rows, type Database } from "../lib/db/client";
import { checkReplicas, readRouting, reads, type Reads } from "../lib/db/reads";
import { lookupOrder } from "../lib/orders/lookup";
import { loadOrderView } from "../lib/orders/view";
import { caughtUp, replicasUnavailable, startPrimary, startReplica } from "../testing/replica";
import { fmt, percentile, prewarm, processTreeCpuMs, report, table } from "./lib";

/** CPU seconds (user + system) a PostgreSQL server has used so far: its postmaster and every process under it. */
const serverCpuSeconds = (postmasterPid: number) => processTreeCpuMs(postmasterPid) / 1000;

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "100000" },
    seconds: { type: "string", default: "30" },
    port: { type: "string", default: "5464" },
  },
});
const seconds = Number(values.seconds);
const primaryPort = Number(values.port);
const rates = { page: 200, lookup: 100 };
process.env.MAIL_TRANSPORT ??= "mailbox";
process.env.DB_READ_MAX_LAG_MS ??= "2000";

type Sample = { id: string; email: string; number: string };
const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;

/** Runs `call(i)` at `rate` per second for `seconds`, each timed from when it was due (open loop). */
async function openLoop(rate: number, call: (i: number) => Promise<unknown>) {
  const total = Math.round(rate * seconds);
  const started = performance.now();
  const latencies: number[] = [];
  let errors = 0;
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      call(i).then(
        () => void latencies.push(performance.now() - due),
        () => {
          errors++;
          latencies.push(performance.now() - due);
        },
      ),
    );
  }
  await Promise.all(pending);
  return { total, errors, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

async function fill(serverUrl: string, orders: string) {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      "npx",
      ["tsx", "bench/data.ts", "--orders", orders, "--db", "backorder_bench", "--slips", "20"],
      {
        env: { ...process.env, BENCH_DATABASE_URL: serverUrl },
        stdio: "inherit",
      },
    );
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`bench/data.ts exited with ${code}`))));
  });
}

async function main() {
  const unavailable = replicasUnavailable();
  if (unavailable) {
    console.log(`bench:replica skipped: ${unavailable}.`);
    return;
  }
  console.log(`A primary on port ${primaryPort}, filled with ${Number(values.orders).toLocaleString("en-US")} orders…`);
  const primary = await startPrimary(primaryPort, "backorder_bench");
  let replica: Awaited<ReturnType<typeof startReplica>> | undefined;
  try {
    await fill(primary.urlOf("postgres"), values.orders!);
    const primaryUrl = primary.urlOf("backorder_bench");
    console.log(`A streaming replica on port ${primaryPort + 1}…`);
    replica = await startReplica(primary.url, primaryPort + 1);
    const replicaUrl = replica.url("backorder_bench");
    await caughtUp(primaryUrl, replicaUrl, 300_000);

    const plain = openPostgres(primaryUrl, { max: 10 });
    const routed = openPostgres(primaryUrl, { max: 10, readUrls: [replicaUrl] });
    await prewarm(plain.db);
    await caughtUp(primaryUrl, replicaUrl, 300_000);
    // The extension came over with the WAL; the replica, read-only, only reads its pages in.
    await routed.replicas[0]!.db.execute(sql`select sum(pg_prewarm(c.oid, 'read')) from pg_class c
      join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind in ('r', 'i', 't')`);
    const sample = await rows<Sample>(
      plain.db,
      sql`select id, email, number from orders tablesample system (5) limit 5000`,
    );

    let run = 0;
    const measure = async (label: string, database: Database, read: () => Reads) => {
      run++;
      const ip = (i: number) => `10.${run}.${(i >> 8) & 255}.${i & 255}`;
      const page = (i: number) =>
        read()((db) => loadOrderView(db, pick(sample).id)).then((v) => v ?? Promise.reject(i));
      const lookup = (i: number) => {
        const o = pick(sample);
        // 30% wrong emails, as in bench/load.ts; a new address per request keeps under the per-IP limit.
        const email = i % 10 < 3 ? `nobody${run}-${i}@example.com` : o.email;
        return lookupOrder(database.db, { number: o.number, email, ip: ip(i) }, new Date(), read());
      };
      // Warm the pools and the plans first.
      for (let i = 0; i < 200; i++) await Promise.all([page(i), lookup(100_000 + i)]);
      const before = { primary: serverCpuSeconds(primary.pid()), replica: serverCpuSeconds(replica!.pid()) };
      const servedBefore = readRouting(database).served;
      console.log(`${label}: order page ${rates.page}/s + lookup ${rates.lookup}/s for ${seconds} s…`);
      const [pages, lookups] = await Promise.all([openLoop(rates.page, page), openLoop(rates.lookup, lookup)]);
      const after = { primary: serverCpuSeconds(primary.pid()), replica: serverCpuSeconds(replica!.pid()) };
      const servedAfter = readRouting(database).served;
      const requests = pages.total + lookups.total;
      const perRequest = (s: number) => `${((s * 1000) / requests).toFixed(2)} ms`;
      const share = (s: number) => `${Math.round((s / seconds) * 100)}%`;
      return [
        label,
        `${fmt(pages.p50)} / ${fmt(pages.p99)}`,
        `${fmt(lookups.p50)} / ${fmt(lookups.p99)}`,
        pages.errors + lookups.errors,
        database.replicas.length === 0
          ? "all on the primary"
          : `${servedAfter.replica - servedBefore.replica} / ${servedAfter.primary - servedBefore.primary}`,
        `${perRequest(after.primary - before.primary)} (${share(after.primary - before.primary)})`,
        `${perRequest(after.replica - before.replica)} (${share(after.replica - before.replica)})`,
      ];
    };

    const primaryOnly = await measure("primary only", plain, () => reads(null, plain));
    await checkReplicas(routed);
    const withReplica = await measure("reads on the replica", routed, () => reads(null, routed));
    const [health] = readRouting(routed).replicas;
    // The machine's other work drifts: the primary alone once more, after.
    const primaryAgain = await measure("primary only, again", plain, () => reads(null, plain));
    await Promise.all([plain.close(), routed.close()]);

    report(`## Read replicas (bench/replica.ts)\n`);
    report(
      `The order page's query and the lookup together (${rates.page}/s + ${rates.lookup}/s for ${seconds} s, open loop, in process) on ${Number(values.orders).toLocaleString("en-US")} orders. CPU per request is each server's CPU (all its processes) over the run divided by the ${(rates.page + rates.lookup) * seconds} requests; in brackets, as a share of one core. The lookup's rate limits are writes and stay on the primary; the replica's CPU includes replaying them.\n`,
    );
    report(
      table(
        [
          "run",
          "order page p50 / p99",
          "lookup p50 / p99",
          "errors",
          "reads on replica / primary",
          "primary CPU per request",
          "replica CPU per request",
        ],
        [primaryOnly, withReplica, primaryAgain],
      ),
    );
    report(
      `\nThe replica at the end: ${health!.usable ? "usable" : `skipped (${health!.reason})`}, ${Math.round(health!.lagMs)} ms behind.\n`,
    );
  } finally {
    await replica?.remove();
    await primary.remove();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
