import { execFile } from "node:child_process";
import { createServer } from "node:net";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { openPostgres, type Database } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import { checkReplicas } from "../lib/db/reads";

// Real streaming replication for the replica tests and bench, made and removed by them from the
// installed PostgreSQL 15: a primary of their own (initdb into a temporary folder, on a port of its
// own, migrated), and a replica of it (pg_basebackup -R into another folder, a second port). The
// PostgreSQL under DATABASE_URL is never touched, and a primary that does not allow replication
// connections is reported with a sentence saying what to add, never edited.

const run = promisify(execFile);

export const postgresBin = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

/** Why replicas cannot be made here (no PostgreSQL binaries), or null when they can. */
export function replicasUnavailable(): string | null {
  const missing = ["initdb", "pg_ctl", "pg_basebackup"].filter((b) => !existsSync(path.join(postgresBin, b)));
  return missing.length === 0
    ? null
    : `no PostgreSQL binaries (${missing.join(", ")}) in ${postgresBin}; install PostgreSQL 15 or set PG_BIN to its bin folder`;
}

/** A temporary folder the server user may write to; REPLICA_TEST_TMP_PREFIX names it (default backorder-replica-). */
async function serverFolder(): Promise<string> {
  const folder = mkdtempSync(path.join(tmpdir(), process.env.REPLICA_TEST_TMP_PREFIX ?? "backorder-replica-"));
  if (process.getuid?.() === 0) await run("chown", ["postgres:postgres", folder]);
  return folder;
}

/** Refuses a port something else listens on, with a sentence, before a server fails to start on it. */
async function freePort(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", () =>
      reject(
        new Error(
          `Port ${port} on 127.0.0.1 is in use, so the test's PostgreSQL cannot start there; set REPLICA_TEST_PORT to the first of two free ports.`,
        ),
      ),
    );
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

export type TestPrimary = {
  port: number;
  /** The migrated database's address. */
  url: string;
  /** Its address for another database on the same server. */
  urlOf(database: string): string;
  pid(): number;
  /** Stops it and deletes its folder. */
  remove(): Promise<void>;
};

/**
 * A PostgreSQL primary of the caller's own on `port`, with one database (`database`, migrated when
 * `migrateWith` is given) and replication allowed from 127.0.0.1.
 */
export async function startPrimary(
  port: number,
  database = "backorder_replica",
  migrateWith?: (url: string) => Promise<void>,
): Promise<TestPrimary> {
  await freePort(port);
  const folder = await serverFolder();
  const data = path.join(folder, "data");
  const log = path.join(folder, "server.log");
  try {
    await pg("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale", "C"]);
    const conf = [
      `port = ${port}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${folder}'`,
      "wal_level = replica",
      "max_wal_senders = 5",
      "max_connections = 100",
      "fsync = off",
      "synchronous_commit = off",
      "full_page_writes = off",
    ];
    writeFileSync(path.join(data, "postgresql.conf"), conf.join("\n") + "\n");
    writeFileSync(
      path.join(data, "pg_hba.conf"),
      "local all all trust\nhost all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n",
    );
    if (process.getuid?.() === 0) await run("chown", ["-R", "postgres:postgres", data]);
    await pg("pg_ctl", ["-D", data, "-l", log, "-w", "-t", "60", "start"]);
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  const urlOf = (name: string) => `postgres://postgres@127.0.0.1:${port}/${name}`;
  const remove = async () => {
    await pg("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => {});
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    const admin = postgres(urlOf("postgres"), { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database ${database}`);
    } finally {
      await admin.end();
    }
    await migrateWith?.(urlOf(database));
  } catch (error) {
    await remove();
    throw error;
  }
  return {
    port,
    url: urlOf(database),
    urlOf,
    pid: () => Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]),
    remove,
  };
}

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
  /** Its postmaster's process id (the parent of all its processes), while it runs. */
  pid(): number;
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
  await freePort(port);
  const folder = await serverFolder();
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
    pid: () => Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]),
    remove: async () => {
      await stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export type ReplicatedSchema = {
  primary: TestPrimary;
  replica: TestReplica;
  /** The replica's address for the migrated database. */
  replicaUrl: string;
  /** Removes the replica, then the primary. */
  remove(): Promise<void>;
};

/**
 * Our schema, migrated, on a primary of the caller's own (`port`, one database named `database`)
 * and a streaming replica of it (`port + 1`) that has caught up: what the replica tests start from.
 */
export async function startReplicatedSchema(port: number, database: string): Promise<ReplicatedSchema> {
  const primary = await startPrimary(port, database, async (url) => {
    const migrating = openPostgres(url, { max: 2 });
    try {
      await migrate(migrating);
    } finally {
      await migrating.close();
    }
  });
  try {
    const replica = await startReplica(primary.url, port + 1);
    const replicaUrl = replica.url(database);
    await caughtUp(primary.url, replicaUrl);
    return {
      primary,
      replica,
      replicaUrl,
      async remove() {
        await replica.remove();
        await primary.remove();
      },
    };
  } catch (error) {
    await primary.remove();
    throw error;
  }
}

/** Until the replica has replayed everything the primary had written when this was called. */
export async function caughtUp(primaryUrl: string, replicaUrl: string, timeoutMs = 30_000): Promise<void> {
  const primary = postgres(primaryUrl, { max: 1, onnotice: () => {} });
  // Its maintenance database: the one asked about may not have been replayed yet.
  const maintenance = new URL(replicaUrl);
  maintenance.pathname = "/postgres";
  const replica = postgres(maintenance.toString(), { max: 1, onnotice: () => {} });
  try {
    const [{ lsn }] = (await primary<
      { lsn: string }[]
    >`select pg_current_wal_insert_lsn()::text as lsn`) as unknown as [{ lsn: string }];
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

/**
 * Until the read router of `database` sees its replicas caught up: a check (a sample of the
 * primary's position), the replicas replaying past it, and a check again, so the lag it computes
 * is the time since the first check, however busy the machine (one check alone can find the
 * primary a few background WAL records ahead and call the lag unknown).
 */
export async function routerCaughtUp(database: Database, primaryUrl: string, replicaUrls: string[]): Promise<void> {
  await checkReplicas(database);
  await Promise.all(replicaUrls.map((url) => caughtUp(primaryUrl, url)));
  await checkReplicas(database);
}
