import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { unaccent } from "@electric-sql/pglite/contrib/unaccent";
import { sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { mkdirSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { env } from "../env";

// The one database client. DATABASE_URL set: PostgreSQL through postgres.js. Unset: PGlite in a
// local folder (the embedded default), which only one process may open at a time.

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;
export type Tx = PgTransaction<PgQueryResultHKT, Record<string, never>, any>;
/** Either the database or a transaction in it: domain functions accept both. */
export type DbOrTx = Db | Tx;

export type Database = {
  db: Db;
  kind: "postgres" | "pglite";
  close(): Promise<void>;
};

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
          const reserved = await target.reserve();
          try {
            return await inTransaction(reserved, { savepoints: 0 }, `begin ${mode}`, "commit", "rollback", work);
          } finally {
            reserved.release();
          }
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Runs `work` between `open` and `close` on one reserved connection, `undo` when it throws; savepoints nest. */
async function inTransaction(
  connection: postgres.ReservedSql,
  names: { savepoints: number },
  open: string,
  close: string,
  undo: string,
  work: (tx: postgres.Sql) => unknown,
): Promise<unknown> {
  const scoped = new Proxy(alwaysPrepare(connection as unknown as postgres.Sql), {
    get(target, property, receiver) {
      if (property === "savepoint") {
        return (...args: unknown[]) => {
          const inner = args.pop() as (tx: postgres.Sql) => unknown;
          const name = `s${++names.savepoints}`;
          return inTransaction(connection, names, `savepoint ${name}`, `release savepoint ${name}`, `rollback to savepoint ${name}`, inner);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
  await connection.unsafe(open);
  let result: unknown;
  try {
    result = await work(scoped);
  } catch (error) {
    await connection.unsafe(undo).catch(() => {});
    throw error;
  }
  await connection.unsafe(close);
  return result;
}

export function openPostgres(url: string, options: { max?: number } = {}): Database {
  const client = postgres(url, {
    max: options.max ?? env().DB_POOL_MAX,
    onnotice: () => {},
    // A dropped connection is replaced on the next query instead of failing every request.
    idle_timeout: 60,
    connect_timeout: 10,
    // After PostgreSQL restarts, reconnect within a second: postgres.js's default waits grow to
    // 20 s with every failed attempt, so a 20 s outage became a 30 s one.
    backoff: (retries: number) => (0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, 1),
  });
  const db = drizzlePostgres(alwaysPrepare(client), { casing: "snake_case" }) as unknown as Db;
  return { db, kind: "postgres", close: () => client.end({ timeout: 5 }) };
}

export function openPglite(dataDir: string | undefined): Database {
  if (dataDir) mkdirSync(path.resolve(dataDir), { recursive: true });
  const client = new PGlite(dataDir ? path.resolve(dataDir) : "memory://", { extensions: { pg_trgm, unaccent } });
  const db = drizzlePglite(client, { casing: "snake_case" }) as unknown as Db;
  return { db, kind: "pglite", close: () => client.close() };
}

export function openConfigured(): Database {
  const { DATABASE_URL, PGLITE_DIR } = env();
  return DATABASE_URL ? openPostgres(DATABASE_URL) : openPglite(PGLITE_DIR);
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

/** Lets tests and scripts point the app's client at a database they opened. */
export function useDatabase(database: Database | undefined) {
  holder.__backorderDatabase = database;
}

/** Runs raw SQL and returns its rows, whichever driver is underneath. */
export async function rows<T = Record<string, unknown>>(dbOrTx: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await dbOrTx.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export { sql };
