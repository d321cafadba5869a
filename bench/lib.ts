import { appendFileSync, readdirSync, readFileSync } from "node:fs";
import postgres from "postgres";
import { sql } from "drizzle-orm";
import { openPostgres, type Database, type Db } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";

// Helpers shared by the benchmarks: a fresh PostgreSQL database, timers and a table printer.
// Benchmarks print numbers; they never fail on timing.

export const serverUrl =
  process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export function databaseUrl(name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function freshBenchDatabase(name: string): Promise<Database> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  process.env.MAIL_TRANSPORT ??= "mailbox";
  process.env.MAILBOX_TOKEN ??= "bench-mailbox-token-bench-mailbox-token";
  const database = openPostgres(databaseUrl(name), { max: 10 });
  await migrate(database);
  return database;
}

export async function time<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export function table(headers: string[], rowsOut: (string | number)[][]): string {
  const cells = [headers, ...rowsOut.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(cells[0]!), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...cells.slice(1).map(line)].join(
    "\n",
  );
}

export const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

/**
 * Prints a result (Markdown: tables and sentences) and, when `npm run bench` runs this script,
 * appends it to the section it collects for bench/REPORT.md (the file named by BENCH_REPORT).
 * Progress lines stay on the console only.
 */
export function report(markdown = ""): void {
  console.log(markdown);
  const file = process.env.BENCH_REPORT;
  if (file) appendFileSync(file, `${markdown}\n`);
}

/**
 * A production database is warm: reads every table and index once into the OS cache (pg_prewarm
 * in 'read' mode), so a benchmark does not measure the disk. Says so when it cannot.
 */
export async function prewarm(db: Db): Promise<void> {
  try {
    await db.execute(sql`create extension if not exists pg_prewarm`);
    await db.execute(sql`select sum(pg_prewarm(c.oid, 'read')) from pg_class c join pg_namespace n on n.oid = c.relnamespace
                         where n.nspname = 'public' and c.relkind in ('r', 'i', 't')`);
  } catch (error) {
    console.log(
      `Could not pre-warm the cache (${error instanceof Error ? error.message : String(error)}); the first queries will read from disk.`,
    );
  }
}

/**
 * CPU milliseconds (utime + stime) used so far by a process and every process under it, from
 * /proc: the figure that survives a noisy machine, where wall-clock latency does not. Processes of
 * the tree that have ended count too (cutime + cstime of the parent that reaped them), so a
 * PostgreSQL backend that exits between two readings does not take its CPU out of the sum.
 */
export function processTreeCpuMs(rootPid: number): number {
  const ticksPerMs = 100 / 1000; // USER_HZ on Linux
  const stats = new Map<number, { parent: number; ticks: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid ... utime(14) stime(15) cutime(16) cstime(17): the fields after the
      // ")" that ends comm.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
      stats.set(Number(entry), { parent: Number(fields[1]), ticks: utime! + stime! + cutime! + cstime! });
    } catch {
      // Ended meanwhile.
    }
  }
  const inTree = (pid: number): boolean => {
    for (let at = pid, hops = 0; at > 1 && hops < 64; at = stats.get(at)?.parent ?? 0, hops++)
      if (at === rootPid) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, stat] of stats) if (inTree(pid)) ticks += stat.ticks;
  return ticks / ticksPerMs;
}
