import { PGlite } from "@electric-sql/pglite";
import { btree_gin } from "@electric-sql/pglite/contrib/btree_gin";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { unaccent } from "@electric-sql/pglite/contrib/unaccent";
import { sql, type SQL } from "drizzle-orm";
import { PgDialect, type PgDatabase, type PgQueryResultHKT, type PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { mkdirSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { env } from "../env";

// The one database client. DATABASE_URL set: PostgreSQL through postgres.js. Unset: PGlite in a
// local folder (the embedded default), which only one process may open at a time. With
// DATABASE_READ_URL, it also holds a client per read replica; lib/db/reads.ts decides, per read,
// whether one of them may answer it.

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;
export type Tx = PgTransaction<PgQueryResultHKT, Record<string, never>, any>;
/** Either the database or a transaction in it: domain functions accept both. */
export type DbOrTx = Db | Tx;

export type Database = {
  db: Db;
  kind: "postgres" | "pglite";
  /** Streaming replicas of `db` (PostgreSQL only); empty without DATABASE_READ_URL. */
  replicas: Replica[];
  close(): Promise<void>;
};

/** A read replica: its client, and a name for logs that leaves out any password. */
export type Replica = { name: string; db: Db; close(): Promise<void> };

/**
 * drizzle sends its statements through `unsafe()`, which postgres.js does not prepare by default:
 * every query was planned again on every call (1-3 ms each, more than executing them). Preparing
 * them lets each connection plan a statement once.
 *
 * Transactions run on a connection reserved first (`reserve()`), not through `sql.begin()`:
 * postgres.js 3.4.9 can send a `begin()`'s BEGIN pipelined behind another query without reserving
 * the connection (porsager/postgres#1189, #823). Under load the ingest API then failed with
 * UNSAFE_TRANSACTION, and worse, other requests' queries could run inside that open transaction.
 * A reserved connection takes no one else's queries, so BEGIN, the work and COMMIT stay together.
 */
function alwaysPrepare<T extends postgres.Sql>(sql: T): T {
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === "unsafe") {
        return (query: string, args?: unknown[], options?: Record<string, unknown>) =>
          target.unsafe(query, args as never, { ...options, prepare: true });
      }
      if (property === "begin") {
        return async (...args: unknown[]) => {
          const work = args.pop() as (tx: postgres.Sql) => unknown;
          const mode = typeof args[0] === "string" ? args[0].replace(/[^a-z ]/gi, "") : "";
          const reserved = await reserveWithin(target, reserveTimeoutMs);
          const link: Link = { connection: null, lost: false };
          try {
            return await inTransaction(reserved, link, { savepoints: 0 }, `begin ${mode}`, "commit", "rollback", work);
          } finally {
            // A connection that closed under the transaction is the pool's again already (postgres.js
            // moved it to its closed queue); releasing it would put it back as open with no socket.
            if (link.connection) link.connection.onclose = null;
            if (!link.lost) reserved.release();
          }
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * A reserved connection and whether it closed while reserved. postgres.js 3.4.9 does not guard a
 * reserved connection whose backend went away (porsager/postgres#1208, #1199): a query sent on it
 * afterwards never settles and its write throws an uncaught TypeError, and releasing it puts a
 * connection with no socket back in the pool. So the transaction learns of the close (the
 * connection's own `onclose`, which postgres.js calls as it closes) and, once it has, sends nothing
 * more on it and does not release it.
 */
type Link = { connection: { onclose?: ((error: unknown) => void) | null } | null; lost: boolean };

const reserveTimeoutMs = 15_000;

function connectionClosed(): Error {
  return Object.assign(new Error("write CONNECTION_CLOSED (the connection closed during the transaction)"), {
    code: "CONNECTION_CLOSED",
  });
}

/**
 * `reserve()`, but it gives up after `ms`: a reserve queued behind a connection the server then
 * closes is never settled by postgres.js 3.4.9 (porsager/postgres#1195). One that arrives late is
 * released at once.
 */
async function reserveWithin(client: postgres.Sql, ms: number): Promise<postgres.ReservedSql> {
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const reserving = client.reserve();
  try {
    return await Promise.race([
      reserving,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          timedOut = true;
          reject(
            Object.assign(new Error(`Timed out after ${ms / 1000} s waiting for a database connection.`), {
              code: "CONNECTION_CLOSED",
            }),
          );
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (timedOut)
      reserving.then(
        (late) => late.release(),
        () => {},
      );
  }
}

/** Runs `work` between `open` and `close` on one reserved connection, `undo` when it throws; savepoints nest. */
async function inTransaction(
  connection: postgres.ReservedSql,
  link: Link,
  names: { savepoints: number },
  open: string,
  close: string,
  undo: string,
  work: (tx: postgres.Sql) => unknown,
): Promise<unknown> {
  const send = (statement: string, options?: Record<string, unknown>) => {
    if (link.lost) return Promise.reject(connectionClosed());
    return connection.unsafe(statement, [], options as never);
  };
  const prepared = alwaysPrepare(connection as unknown as postgres.Sql);
  const scoped = new Proxy(prepared, {
    get(target, property, receiver) {
      if (property === "savepoint") {
        return (...args: unknown[]) => {
          const inner = args.pop() as (tx: postgres.Sql) => unknown;
          const name = `s${++names.savepoints}`;
          return inTransaction(
            connection,
            link,
            names,
            `savepoint ${name}`,
            `release savepoint ${name}`,
            `rollback to savepoint ${name}`,
            inner,
          );
        };
      }
      if (property === "unsafe") {
        const unsafe = Reflect.get(target, property, receiver) as (...a: unknown[]) => unknown;
        return (...args: unknown[]) => (link.lost ? Promise.reject(connectionClosed()) : unsafe(...args));
      }
      return Reflect.get(target, property, receiver);
    },
  });
  // The first statement on the connection tells us which connection it is (postgres.js passes it to
  // `onexecute`); returning true keeps the connection's pipelining as it would be without the hook.
  await send(
    open,
    link.connection
      ? undefined
      : {
          onexecute: (c: NonNullable<Link["connection"]>) => {
            link.connection = c;
            c.onclose = () => {
              link.lost = true;
            };
            return true;
          },
        },
  );
  let result: unknown;
  try {
    result = await work(scoped);
  } catch (error) {
    if (!link.lost) await send(undo).catch(() => {});
    throw error;
  }
  await send(close);
  return result;
}

function postgresClient(url: string, max: number, connectTimeout: number): postgres.Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    // A dropped connection is replaced on the next query instead of failing every request.
    idle_timeout: 60,
    connect_timeout: connectTimeout,
    // After PostgreSQL restarts, reconnect within a second: postgres.js's default waits grow to
    // 20 s with every failed attempt, so a 20 s outage became a 30 s one.
    backoff: (retries: number) => (0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, 1),
  });
}

export function openPostgres(url: string, options: { max?: number; readUrls?: string[] } = {}): Database {
  const max = options.max ?? env().DB_POOL_MAX;
  const client = postgresClient(url, max, 10);
  const db = drizzlePostgres(alwaysPrepare(client), { casing: "snake_case" }) as unknown as Db;
  const replicas = (options.readUrls ?? []).map((readUrl) => openReplica(readUrl, max));
  return {
    db,
    kind: "postgres",
    replicas,
    close: async () => {
      await Promise.all([client.end({ timeout: 5 }), ...replicas.map((replica) => replica.close())]);
    },
  };
}

/** A replica that cannot be reached is skipped for the primary, so its connects give up sooner. */
function openReplica(url: string, max: number): Replica {
  const client = postgresClient(url, max, 2);
  const { hostname, port, pathname } = new URL(url);
  return {
    name: `${hostname}:${port || 5432}${pathname}`,
    db: drizzlePostgres(alwaysPrepare(client), { casing: "snake_case" }) as unknown as Db,
    close: () => client.end({ timeout: 5 }),
  };
}

/** PGlite in `dataDir`, or in memory (gone when the process ends) for none or `memory://`. */
export function openPglite(dataDir: string | undefined): Database {
  const inMemory = !dataDir || dataDir === "memory://";
  if (!inMemory) mkdirSync(path.resolve(dataDir), { recursive: true });
  const client = new PGlite(inMemory ? "memory://" : path.resolve(dataDir), {
    extensions: { btree_gin, pg_trgm, unaccent },
  });
  const db = drizzlePglite(client, { casing: "snake_case" }) as unknown as Db;
  return { db, kind: "pglite", replicas: [], close: () => client.close() };
}

export function openConfigured(): Database {
  const { DATABASE_URL, DATABASE_READ_URL, PGLITE_DIR } = env();
  return DATABASE_URL ? openPostgres(DATABASE_URL, { readUrls: DATABASE_READ_URL }) : openPglite(PGLITE_DIR);
}

// Kept on globalThis so Next's dev reloads and the in-process worker share one client.
const holder = globalThis as unknown as { __backorderDatabase?: Database };

export function database(): Database {
  holder.__backorderDatabase ??= openConfigured();
  return holder.__backorderDatabase;
}

export function db(): Db {
  return database().db;
}

const dialect = new PgDialect({ casing: "snake_case" });

/**
 * Runs raw statements of one transaction in order and returns each one's rows. On PostgreSQL they
 * leave together and run back to back: one round trip for all (postgres.js pipelines them on the
 * transaction's connection). On PGlite they run one after another. A statement may depend on what
 * the ones before it did, never on their results. It waits for all of them, then returns or throws
 * the first failure (those after it failed only because the transaction was aborted), so nothing
 * is still waiting to be sent when the caller rolls back.
 */
export async function pipeline(tx: Tx, statements: readonly SQL[]): Promise<Record<string, unknown>[][]> {
  const client = (tx._.session as unknown as { client?: Partial<postgres.Sql> }).client;
  if (typeof client?.unsafe !== "function") {
    const results: Record<string, unknown>[][] = [];
    for (const statement of statements) results.push(await rows(tx, statement));
    return results;
  }
  const queries = statements.map((statement) => dialect.sqlToQuery(statement));
  // postgres.js sends a query one microtask after `execute()`, so starting them in a row sends them
  // in that order. On a connection already lost, `unsafe` answers a rejected promise instead.
  const sent = queries.map((query) => {
    const pending = client.unsafe!(query.sql, query.params as never[], { prepare: true }) as unknown as Promise<
      Record<string, unknown>[]
    > & { execute?: () => Promise<Record<string, unknown>[]> };
    return typeof pending.execute === "function" ? pending.execute() : pending;
  });
  const settled = await Promise.allSettled(sent);
  const failed = settled.find((s) => s.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((s) => [...(s as PromiseFulfilledResult<Record<string, unknown>[]>).value]);
}

/** Runs raw SQL and returns its rows, whichever driver is underneath. */
export async function rows<T = Record<string, unknown>>(dbOrTx: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await dbOrTx.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export { sql };
