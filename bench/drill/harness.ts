import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { openPostgres, type Database } from "../../lib/db/client";
import { mailingThroughStandIn } from "../../testing/resend-standin";

// The drills' plumbing: throw-away PostgreSQL databases (cloned from one seeded template per run),
// the production build, and the processes a drill starts (the app through scripts/serve.ts, `npm
// run worker` processes), each in a process group of its own so that a kill -9 reaches all of it
// and nothing outlives the run.

export const serverUrl = process.env.DRILL_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const distDir = process.env.NEXT_DIST_DIR || ".next-drill";
export const authSecret = "drill-secret-drill-secret-drill-secret-0123";
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function databaseUrl(name: string, server = serverUrl): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

const createdDatabases = new Set<string>();

export async function createDatabase(name: string, template?: string): Promise<string> {
  await admin(async (sql) => {
    await sql.unsafe(`drop database if exists ${name} with (force)`);
    await sql.unsafe(template ? `create database ${name} template ${template}` : `create database ${name}`);
  });
  createdDatabases.add(name);
  return databaseUrl(name);
}

export async function dropDatabase(name: string): Promise<void> {
  await admin((sql) => sql.unsafe(`drop database if exists ${name} with (force)`));
  createdDatabases.delete(name);
}

export function openDrillDatabase(name: string, max = 6): Database {
  return openPostgres(databaseUrl(name), { max });
}

// ---------------------------------------------------------------------------------------------
// Processes

export type Proc = {
  name: string;
  child: ChildProcess;
  pid: number;
  /** The last lines it printed (stdout and stderr), for a report when something goes wrong. */
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
};

const running = new Set<Proc>();
const verbose = process.env.DRILL_VERBOSE === "1";

export function startProcess(name: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  // detached: a process group of its own, so kill(-pid) reaches whatever it started.
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) {
      if (!line.trim()) continue;
      output.push(line);
      if (output.length > 200) output.shift();
      if (verbose) console.log(`    [${name}] ${line}`);
    }
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      done = true;
      resolve({ code, signal });
    }),
  );
  const proc: Proc = { name, child, pid: child.pid!, output, exited, alive: () => !done };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  return proc;
}

/** kill -9 the whole process group, and wait until it is gone. */
export async function killHard(proc: Proc): Promise<void> {
  signalGroup(proc, "SIGKILL");
  await proc.exited;
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stop(proc: Proc, graceMs = 15_000): Promise<void> {
  if (!proc.alive()) return;
  signalGroup(proc, "SIGTERM");
  const timer = setTimeout(() => signalGroup(proc, "SIGKILL"), graceMs);
  await proc.exited;
  clearTimeout(timer);
  // Children of the group (if any) go too.
  signalGroup(proc, "SIGKILL");
}

function signalGroup(proc: Proc, signal: NodeJS.Signals) {
  try {
    process.kill(-proc.pid, signal);
  } catch {
    // Already gone.
  }
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => stop(p, 5000)));
}

/** Waits until `check` is true; throws with `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 100,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    let ok = false;
    try {
      ok = await check();
    } catch {
      ok = false;
    }
    if (ok) return Date.now() - started;
    if (Date.now() - started > timeoutMs)
      throw new Error(`Timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

function tail(proc: Proc, lines = 25): string {
  return proc.output
    .slice(-lines)
    .map((l) => `      ${l}`)
    .join("\n");
}

// ---------------------------------------------------------------------------------------------
// The app and the workers

export type AppOptions = {
  port: number;
  database: string;
  /** Another PostgreSQL server than DRILL_DATABASE_URL's (a private one the drill may restart). */
  server?: string;
  resendUrl: string;
  resendKey: string;
  /** The worker inside the app process (the production default). */
  runWorker: boolean;
  processes?: number;
};

function baseEnv(
  database: string,
  server: string | undefined,
  resendUrl: string,
  resendKey: string,
  appUrl: string,
): NodeJS.ProcessEnv {
  return {
    ...mailingThroughStandIn({ databaseUrl: databaseUrl(database, server), resendKey, resendUrl, appUrl }),
    AUTH_SECRET: authSecret,
    AUTH_URL: appUrl,
    AUTH_TRUST_HOST: "true",
    NEXT_TELEMETRY_DISABLED: "1",
    NEXT_DIST_DIR: distDir,
    // The drills' webhook receiver listens on 127.0.0.1.
    WEBHOOKS_ALLOW_INTERNAL_ADDRESSES: "true",
  };
}

/** The built app through scripts/serve.ts (what `npm start` runs on PostgreSQL); resolves when /api/health answers 200. */
export async function startApp(options: AppOptions): Promise<Proc> {
  const appUrl = `http://127.0.0.1:${options.port}`;
  const env = {
    ...baseEnv(options.database, options.server, options.resendUrl, options.resendKey, appUrl),
    PORT: String(options.port),
    WEB_CONCURRENCY: String(options.processes ?? 1),
    RUN_WORKER: options.runWorker ? "true" : "false",
    DB_POOL_MAX: "8",
  };
  const proc = startProcess("app", ["--import", "tsx", "scripts/serve.ts"], env);
  try {
    await waitUntil(
      "the app to answer /api/health",
      async () => {
        if (!proc.alive()) throw new Error("exited");
        const response = await fetch(`${appUrl}/api/health`, { signal: AbortSignal.timeout(2000) });
        await response.arrayBuffer();
        return response.status === 200;
      },
      90_000,
      200,
    );
  } catch (error) {
    await killHard(proc);
    throw new Error(`The app did not start: ${error instanceof Error ? error.message : String(error)}\n${tail(proc)}`);
  }
  return proc;
}

export type WorkerOptions = {
  database: string;
  server?: string;
  resendUrl: string;
  resendKey: string;
  leaseSeconds: number;
  loops?: number;
  name?: string;
  pollMs?: number;
  batchSize?: number;
  /** Leave the pg-boss schedules (consent sweeps) to other workers. */
  noSchedule?: boolean;
};

/** One `npm run worker` process (scripts/worker.ts); resolves once it says it is ready. */
export async function startWorker(options: WorkerOptions): Promise<Proc> {
  const env = baseEnv(options.database, options.server, options.resendUrl, options.resendKey, "http://127.0.0.1:3600");
  const args = [
    "--import",
    "tsx",
    "scripts/worker.ts",
    "--loops",
    String(options.loops ?? 2),
    "--lease-seconds",
    String(options.leaseSeconds),
    "--poll-ms",
    String(options.pollMs ?? 500),
    "--batch-size",
    String(options.batchSize ?? 100),
    ...(options.noSchedule ? ["--no-schedule"] : []),
  ];
  const proc = startProcess(options.name ?? "worker", args, env);
  try {
    await waitUntil(
      "the worker to be ready",
      () => {
        if (!proc.alive()) throw new Error("exited");
        return proc.output.some((l) => l.includes("ready:"));
      },
      60_000,
      100,
    );
  } catch (error) {
    await killHard(proc);
    throw new Error(
      `The worker did not start: ${error instanceof Error ? error.message : String(error)}\n${tail(proc)}`,
    );
  }
  return proc;
}

/** Lines a process printed that look like trouble (for the drill's report). */
export function troubleLines(proc: Proc): string[] {
  return proc.output.filter((l) => /error|failed|unhandled|exception/i.test(l));
}

// ---------------------------------------------------------------------------------------------
// The production build

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target, { withFileTypes: true }))
    newest = Math.max(newest, newestMtime(path.join(target, entry.name)));
  return newest;
}

/** Builds into `distDir` when it has no build or one older than the sources. */
export function ensureBuild(): { built: boolean; ms: number } {
  const buildId = path.resolve(distDir, "BUILD_ID");
  const sources = [
    "app",
    "components",
    "lib",
    "public",
    "instrumentation.ts",
    "auth.ts",
    "auth.config.ts",
    "next.config.ts",
    "package.json",
  ];
  const stale = !existsSync(buildId) || Math.max(...sources.map(newestMtime)) > statSync(buildId).mtimeMs;
  if (!stale) return { built: false, ms: 0 };
  console.log(`Building the app into ${distDir} (NEXT_DIST_DIR)…`);
  const started = Date.now();
  const result = spawnSync("npx", ["next", "build"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error("The production build failed.");
  return { built: true, ms: Date.now() - started };
}

// ---------------------------------------------------------------------------------------------
// A private PostgreSQL server, for the drill that restarts PostgreSQL: never the shared one, which
// other people's tests use at the same time. Made with the Debian package's own binaries (initdb
// refuses to run as root, so as the postgres user then), in a temporary folder, and removed after.

export type PrivatePostgres = {
  url: string;
  bin: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): void;
};

const privateServers = new Set<PrivatePostgres>();

/** The newest PostgreSQL under /usr/lib/postgresql (Debian's layout). */
export function postgresBin(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root).filter((v) => existsSync(path.join(root, v, "bin", "initdb")))
    : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0)
    throw new Error("No PostgreSQL binaries under /usr/lib/postgresql: install Debian's postgresql package.");
  return path.join(root, versions[0]!, "bin");
}

export async function startPrivatePostgres(port: number): Promise<PrivatePostgres> {
  const bin = postgresBin();
  const root = process.getuid?.() === 0;
  const command = (name: string, args: string[]): [string, string[]] =>
    root ? ["runuser", ["-u", "postgres", "--", path.join(bin, name), ...args]] : [path.join(bin, name), args];
  const asPostgres = (name: string, args: string[]) => {
    const [file, argv] = command(name, args);
    const result = spawnSync(file, argv, { encoding: "utf8" });
    if (result.status !== 0)
      throw new Error(`${name} ${args.join(" ")} failed: ${(result.stderr || result.stdout || "").trim().slice(-800)}`);
    return result.stdout;
  };
  // pg_ctl waits for the server; without blocking this process (it may be generating load).
  const asPostgresLater = (name: string, args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const [file, argv] = command(name, args);
      const child = spawn(file, argv, { stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
      child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
      child.once("exit", (code) =>
        code === 0 ? resolve() : reject(new Error(`${name} ${args.join(" ")} failed: ${output.trim().slice(-800)}`)),
      );
    });
  const busy = spawnSync(path.join(bin, "pg_isready"), ["-q", "-h", "127.0.0.1", "-p", String(port)]);
  if (busy.status === 0)
    throw new Error(`Port ${port} already has a PostgreSQL server; stop it (a drill left over?) and run again.`);
  const dir = mkdtempSync(path.join(tmpdir(), "drill-pg-"));
  if (root) {
    const ids = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    chownSync(dir, Number(ids.stdout.trim()), Number(gid.stdout.trim()));
  }
  const data = path.join(dir, "data");
  asPostgres("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--no-instructions"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60`;
  let running = false;
  const server: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    bin,
    async start() {
      running = true;
      await asPostgresLater("pg_ctl", [
        "-D",
        data,
        "-o",
        options,
        "-l",
        path.join(dir, "log"),
        "-w",
        "-t",
        "60",
        "start",
      ]);
    },
    async stop() {
      await asPostgresLater("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]);
      running = false;
    },
    destroy() {
      if (running) {
        try {
          asPostgres("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
        } catch {
          // Gone already.
        }
        running = false;
      }
      rmSync(dir, { recursive: true, force: true });
      privateServers.delete(server);
    },
  };
  privateServers.add(server);
  await server.start();
  return server;
}

// ---------------------------------------------------------------------------------------------
// Clean-up when the run ends in any way

export async function cleanUp(): Promise<void> {
  await stopAll();
  for (const server of [...privateServers]) server.destroy();
  for (const name of [...createdDatabases]) {
    try {
      await dropDatabase(name);
    } catch (error) {
      console.error(`Could not drop database ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

process.on("exit", () => {
  for (const proc of running) signalGroup(proc, "SIGKILL");
  for (const server of [...privateServers]) server.destroy();
});
