import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";

// A real streaming replica of the PostgreSQL the tests run on (DATABASE_URL), made and removed by
// the tests themselves: pg_basebackup -R into a temporary folder, started on a port of its own
// from the installed PostgreSQL 15. It never changes the primary's configuration: a primary that
// does not allow it is reported with a sentence saying what to add.

const run = promisify(execFile);

export const postgresBin = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

/** PostgreSQL refuses to run as root, so as root the replica's commands run as the postgres user. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  const binary = path.join(postgresBin, command);
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", binary, ...args]] : [binary, args];
}

async function pg(command: string, args: string[], timeout = 120_000): Promise<string> {
  const [file, argv] = asServerUser(command, args);
  try {
    const { stdout } = await run(file, argv, { timeout });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${command} failed: ${(e.stderr || e.message).trim()}`);
  }
}

export type TestReplica = {
  port: number;
  /** The replica's address for one database of the primary (the same name on both). */
  url(database: string): string;
  /** Stops applying WAL (it still receives it): reads see the data as of now. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and deletes its folder. */
  remove(): Promise<void>;
};

/** Settings a hot standby must have at least as high as its primary, or it refuses to start. */
const matchedSettings = [
  "max_connections",
  "max_worker_processes",
  "max_wal_senders",
  "max_prepared_transactions",
  "max_locks_per_transaction",
];

async function primarySettings(primaryUrl: string): Promise<Record<string, string>> {
  const admin = postgres(primaryUrl, { max: 1, onnotice: () => {} });
  try {
    const found = await admin<{ name: string; setting: string }[]>`
      select name, setting from pg_settings where name = any(${["wal_level", ...matchedSettings]})`;
    const settings = Object.fromEntries(found.map((s) => [s.name, s.setting]));
    if (settings.wal_level === "minimal") {
      throw new Error("The primary has wal_level=minimal; a streaming replica needs wal_level=replica (the default).");
    }
    if (Number(settings.max_wal_senders) < 1) {
      throw new Error("The primary has max_wal_senders=0; a streaming replica needs at least 1.");
    }
    return settings;
  } finally {
    await admin.end();
  }
}

export async function startReplica(primaryUrl: string, port: number): Promise<TestReplica> {
  const primary = new URL(primaryUrl);
  const settings = await primarySettings(primaryUrl);
  const folder = mkdtempSync(path.join(tmpdir(), "backorder-replica-"));
  if (process.getuid?.() === 0) await run("chown", ["postgres:postgres", folder]);
  const data = path.join(folder, "data");
  const log = path.join(folder, "server.log");
  const user = decodeURIComponent(primary.username || "postgres");
  try {
    await pg("pg_basebackup", [
      "-R",
      "-X",
      "stream",
      "-c",
      "fast",
      "-D",
      data,
      "-h",
      primary.hostname,
      "-p",
      primary.port || "5432",
      "-U",
      user,
    ]);
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    const message = (error as Error).message;
    if (message.includes("no pg_hba.conf entry for replication")) {
      throw new Error(
        `The primary at ${primary.hostname}:${primary.port || 5432} does not allow replication connections for ${user}, so the test cannot make a replica. Add "host replication ${user} ${primary.hostname}/32 trust" to its pg_hba.conf (psql -c 'show hba_file' says where) and reload it; the tests do not change it themselves.`,
      );
    }
    throw error;
  }
  // The primary's own configuration may live outside its data folder (Debian keeps it in /etc),
  // and the replica must not share its port or socket, so it gets a configuration of its own.
  const conf = [
    `port = ${port}`,
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${folder}'`,
    "hot_standby = on",
    "hot_standby_feedback = on",
    "fsync = off",
    ...matchedSettings.map((name) => `${name} = ${settings[name]}`),
  ];
  const written = [path.join(data, "postgresql.conf"), path.join(data, "pg_hba.conf")];
  writeFileSync(written[0]!, conf.join("\n") + "\n");
  writeFileSync(written[1]!, "local all all trust\nhost all all 127.0.0.1/32 trust\n");
  if (process.getuid?.() === 0) await run("chown", ["postgres:postgres", ...written]);

  const url = (database: string) => {
    const address = new URL(primaryUrl);
    address.hostname = "127.0.0.1";
    address.port = String(port);
    address.pathname = `/${database}`;
    return address.toString();
  };
  const onReplica = async (statement: string) => {
    const client = postgres(url("postgres"), { max: 1, onnotice: () => {} });
    try {
      await client.unsafe(statement);
    } finally {
      await client.end();
    }
  };
  const start = async () => {
    await pg("pg_ctl", ["-D", data, "-l", log, "-w", "-t", "60", "start"]);
  };
  const stop = async () => {
    await pg("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]).catch(() => {});
  };
  await start();
  return {
    port,
    url,
    pauseReplay: () => onReplica("select pg_wal_replay_pause()"),
    resumeReplay: () => onReplica("select pg_wal_replay_resume()"),
    stop,
    start,
    remove: async () => {
      await stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Until the replica has replayed everything the primary had written when this was called. */
export async function caughtUp(primaryUrl: string, replicaUrl: string, timeoutMs = 30_000): Promise<void> {
  const primary = postgres(primaryUrl, { max: 1, onnotice: () => {} });
  // Its maintenance database: the one asked about may not have been replayed yet.
  const maintenance = new URL(replicaUrl);
  maintenance.pathname = "/postgres";
  const replica = postgres(maintenance.toString(), { max: 1, onnotice: () => {} });
  try {
    const [{ lsn }] = (await primary<{ lsn: string }[]>`select pg_current_wal_lsn()::text as lsn`) as unknown as [
      { lsn: string },
    ];
    const until = Date.now() + timeoutMs;
    for (;;) {
      const [{ done }] = (await replica<
        { done: boolean }[]
      >`select pg_last_wal_replay_lsn() >= ${lsn}::pg_lsn as done`) as unknown as [{ done: boolean }];
      if (done) return;
      if (Date.now() > until) throw new Error(`The replica did not replay ${lsn} within ${timeoutMs / 1000} s.`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await Promise.all([primary.end(), replica.end()]);
  }
}
