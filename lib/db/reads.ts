import { env } from "../env";
import { signToken, verifyToken } from "../links/tokens";
import { database as appDatabase, rows, sql, type Database, type Db, type DbOrTx, type Replica } from "./client";

// Which database answers a shopper's read. With DATABASE_READ_URL set, the read paths (lookup,
// signed view, /orders, the order page, support search) run on a streaming replica when one is
// close enough behind the primary, and on the primary otherwise; writes, and reads inside a
// write's transaction, never come here.
//
// Close enough means two things. Lag: a replica more than DB_READ_MAX_LAG_MS behind is skipped
// until it catches up, so someone who did not act sees data at most that old. Own writes: after a
// shopper's or agent's own change, the WAL position of its commit (`commitPosition`) rides along
// in a signed cookie (`readAfterToken`), and their reads go to a replica only once it has replayed
// past it. A replica that is down, or whose query fails for a replica's reasons, is skipped too:
// the read runs again on the primary (reads are safe to repeat) and nobody sees an error.

/** Runs a read on whichever database may answer it. */
export type Reads = <T>(work: (db: DbOrTx) => Promise<T>) => Promise<T>;

/** Every read on `db`: for callers with no replica to consider (tests, scripts, a write's transaction). */
export const onPrimary =
  (db: DbOrTx): Reads =>
  (work) =>
    work(db);

type ReplicaHealth = {
  /** What it has replayed, as of the last check (it only grows while the replica is up). */
  replayed: bigint | null;
  lagMs: number;
  /** Why it is skipped, for the log line when that changes. */
  reason: string | null;
};

type Router = {
  health: Map<Replica, ReplicaHealth>;
  /** The primary's WAL position over the last minute or so: how a replay position becomes a lag in time. */
  samples: { at: number; lsn: bigint }[];
  checkedAt: number;
  checking: Promise<void> | null;
  next: number;
  served: { primary: number; replica: number };
};

/** How often the replicas' positions are looked at (only while reads arrive). */
const checkEveryMs = 250;
const checkTimeoutMs = 1000;

const routers = new WeakMap<Database, Router>();

function routerOf(database: Database): Router {
  let router = routers.get(database);
  if (!router) {
    router = {
      health: new Map(
        database.replicas.map((r) => [r, { replayed: null, lagMs: Infinity, reason: "not checked yet" }]),
      ),
      samples: [],
      checkedAt: 0,
      checking: null,
      next: 0,
      served: { primary: 0, replica: 0 },
    };
    routers.set(database, router);
  }
  return router;
}

/** A WAL position (`16/B374D848`) as a number, so two can be compared. */
export function parseLsn(text: string): bigint {
  const match = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i.exec(text);
  if (!match) throw new Error(`Not a WAL position: ${text}`);
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

/**
 * How far behind in time a replica that replayed `replayed` is: the age of the newest primary
 * sample it has passed (it has everything committed before then, and lacks something after).
 * None passed: at least as old as the oldest sample, which the caller treats as too far behind.
 */
export function lagOf(samples: readonly { at: number; lsn: bigint }[], replayed: bigint, now: number): number {
  for (let i = samples.length - 1; i >= 0; i--) {
    if (samples[i]!.lsn <= replayed) return now - samples[i]!.at;
  }
  return Infinity;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function walPosition(db: Db, query: ReturnType<typeof sql>): Promise<bigint | null> {
  const [row] = await rows<{ lsn: string | null }>(db, query);
  return row?.lsn ? parseLsn(row.lsn) : null;
}

function setHealth(router: Router, replica: Replica, next: ReplicaHealth) {
  const before = router.health.get(replica);
  router.health.set(replica, next);
  const wasUsable = before?.reason === null;
  const usable = next.reason === null;
  if (wasUsable && !usable)
    console.warn(`Read replica ${replica.name} skipped (${next.reason}); reads go to the primary.`);
  if (!wasUsable && usable && before?.reason !== "not checked yet")
    console.warn(`Read replica ${replica.name} is back (${Math.round(next.lagMs)} ms behind); reads go to it again.`);
}

/** Looks at the primary's position and each replica's replay position once. */
export async function checkReplicas(database: Database = appDatabase()): Promise<void> {
  const router = routerOf(database);
  const maxLag = env().DB_READ_MAX_LAG_MS;
  const sampledAt = Date.now();
  const primary = await withTimeout(
    walPosition(database.db, sql`select pg_current_wal_lsn()::text as lsn`),
    checkTimeoutMs,
  );
  if (primary === null) return;
  router.samples.push({ at: sampledAt, lsn: primary });
  const keepFrom = sampledAt - maxLag - 60_000;
  while (router.samples.length > 2 && router.samples[0]!.at < keepFrom) router.samples.shift();
  await Promise.all(
    database.replicas.map(async (replica) => {
      try {
        const replayed = await withTimeout(
          walPosition(replica.db, sql`select pg_last_wal_replay_lsn()::text as lsn`),
          checkTimeoutMs,
        );
        if (replayed === null) {
          setHealth(router, replica, { replayed, lagMs: Infinity, reason: "it is not a replica in recovery" });
          return;
        }
        const lagMs = lagOf(router.samples, replayed, Date.now());
        const reason = lagMs <= maxLag ? null : `${Number.isFinite(lagMs) ? Math.round(lagMs) : "unknown"} ms behind`;
        setHealth(router, replica, { replayed, lagMs, reason });
      } catch (error) {
        setHealth(router, replica, { replayed: null, lagMs: Infinity, reason: describe(error) });
      }
    }),
  );
}

function describe(error: unknown): string {
  const e = ((error as { cause?: unknown })?.cause ?? error) as { code?: string; message?: string };
  return `down: ${e.code ?? e.message ?? String(error)}`;
}

/** Starts a check when the last one is old, without making the read wait for it. */
function refreshSoon(database: Database, router: Router) {
  const now = Date.now();
  if (router.checking || now - router.checkedAt < checkEveryMs) return;
  router.checkedAt = now;
  router.checking = checkReplicas(database)
    .catch(() => {
      // The primary did not answer the check: the read itself will say so, on the primary.
    })
    .finally(() => {
      router.checking = null;
    });
}

/** A replica that may answer a read made after `after` (a WAL position), round robin; or none. */
function pickReplica(router: Router, after: bigint | null): Replica | null {
  const usable = [...router.health].filter(
    ([, h]) => h.reason === null && h.replayed !== null && (after === null || h.replayed >= after),
  );
  if (usable.length === 0) return null;
  return usable[router.next++ % usable.length]![0];
}

/**
 * Errors that say the replica, not the query, is the problem: its connection (postgres.js codes,
 * socket errors, SQLSTATE class 08, shutting down 57P0x) or a recovery conflict (40001 on a
 * standby), so the same read on the primary is the answer.
 */
export function isReplicaFault(error: unknown): boolean {
  // drizzle wraps the driver's error (DrizzleQueryError), which keeps it as the cause.
  const cause = (error as { cause?: unknown })?.cause;
  if (cause && isReplicaFault(cause)) return true;
  const code = String((error as { code?: unknown })?.code ?? "");
  return (
    code.startsWith("CONNECT") ||
    code.startsWith("CONNECTION_") ||
    ["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "40001"].includes(code) ||
    code.startsWith("08") ||
    code.startsWith("57P")
  );
}

/**
 * The reads of someone whose own last change committed at `after` (from `readAfterPosition`), or
 * of anyone (null). Each call picks again, so a page's several reads may land on different
 * databases, each of them past `after`.
 */
export function reads(after: string | null = null, database: Database = appDatabase()): Reads {
  if (database.replicas.length === 0) return onPrimary(database.db);
  const position = after ? parseLsn(after) : null;
  return async (work) => {
    const router = routerOf(database);
    refreshSoon(database, router);
    const replica = pickReplica(router, position);
    if (!replica) {
      router.served.primary++;
      return work(database.db);
    }
    try {
      const result = await work(replica.db);
      router.served.replica++;
      return result;
    } catch (error) {
      if (!isReplicaFault(error)) throw error;
      const health = router.health.get(replica)!;
      setHealth(router, replica, { ...health, reason: describe(error) });
      router.served.primary++;
      return work(database.db);
    }
  };
}

/** What the replicas look like to the router now, and how many reads each side answered. */
export function readRouting(database: Database = appDatabase()) {
  const router = routerOf(database);
  return {
    served: { ...router.served },
    replicas: [...router.health].map(([replica, h]) => ({
      name: replica.name,
      usable: h.reason === null,
      lagMs: h.lagMs,
      reason: h.reason,
    })),
  };
}

/**
 * The primary's WAL position now, called after a change committed: a replica that has replayed
 * this far shows it. Null without replicas (nothing to wait for). The insert position, not
 * pg_current_wal_lsn() (the write position): with synchronous_commit = off a commit returns before
 * its record is written, so the write position can still be short of it, and a replica that had
 * replayed only that far would show the caller the data from before their own change.
 */
export async function commitPosition(database: Database = appDatabase()): Promise<string | null> {
  if (database.replicas.length === 0) return null;
  const [row] = await rows<{ lsn: string }>(database.db, sql`select pg_current_wal_insert_lsn()::text as lsn`);
  return row?.lsn ?? null;
}

/** The cookie that carries a caller's last commit position from their action to their next pages. */
export const readAfterCookie = "read_after";

/**
 * How long the cookie lasts: past it, a usable replica (at most DB_READ_MAX_LAG_MS behind, as of a
 * check at most a few hundred ms old) has replayed the commit anyway.
 */
export function readAfterSeconds(): number {
  return Math.ceil(env().DB_READ_MAX_LAG_MS / 1000) + 5;
}

export function readAfterToken(lsn: string, now = Date.now()): string {
  return signToken("read-after", { lsn, exp: now + readAfterSeconds() * 1000 });
}

/** The commit position a read-after cookie names, or null when it is missing, altered, expired or malformed. */
export function readAfterPosition(token: string | undefined, now = Date.now()): string | null {
  if (!token) return null;
  const payload = verifyToken<{ lsn?: unknown; exp?: unknown }>("read-after", token);
  if (!payload || typeof payload.lsn !== "string" || typeof payload.exp !== "number" || payload.exp < now) return null;
  try {
    parseLsn(payload.lsn);
  } catch {
    return null;
  }
  return payload.lsn;
}

/** The reads of whoever sent this Cookie header (a route handler's or a Pages Router page's request). */
export function readsForCookieHeader(header: string | null | undefined, database: Database = appDatabase()): Reads {
  const pair = (header ?? "")
    .split(";")
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${readAfterCookie}=`));
  return reads(
    readAfterPosition(pair ? decodeURIComponent(pair.slice(readAfterCookie.length + 1)) : undefined),
    database,
  );
}
