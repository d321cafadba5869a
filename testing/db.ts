import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { database as appDatabase, openPglite, openPostgres, type Database } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import { resetEnvCache } from "../lib/env";
import { openedForFile } from "./file-scoped";

// Each test file gets a clean database with the real migrations applied: a fresh in-memory PGlite,
// or, when DATABASE_URL is set, a fresh PostgreSQL database cloned from a migrated template
// (made once per run by vitest.global-setup.ts).

export const onPostgres = Boolean(process.env.DATABASE_URL);
/** The server's address as the run was started with: where test databases are made and dropped. */
const adminUrl = process.env.DATABASE_URL;

export function templateName(): string {
  return process.env.TEST_TEMPLATE_DB ?? "backorder_test_template";
}

export function serverUrl(database: string): string {
  const url = new URL(adminUrl!);
  url.pathname = `/${database}`;
  return url.toString();
}

export type TestDatabase = Database & { name: string; url?: string };

export async function cloneTemplate(): Promise<{ name: string; url: string }> {
  const name = `backorder_t_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl!, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name} template ${templateName()}`);
  } finally {
    await admin.end();
  }
  return { name, url: serverUrl(name) };
}

function droppedOnClose(database: Database, name: string, url: string): TestDatabase {
  return {
    ...database,
    name,
    url,
    close: async () => {
      await database.close();
      const dropper = postgres(adminUrl!, { max: 1, onnotice: () => {} });
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** A fresh database of the test's own, beside the app's (for tests that need two). */
export async function freshDatabase(): Promise<TestDatabase> {
  if (!onPostgres) {
    const database = openPglite(undefined);
    await migrate(database);
    return { ...database, name: "pglite" };
  }
  const { name, url } = await cloneTemplate();
  return droppedOnClose(openPostgres(url, { max: 20 }), name, url);
}

/**
 * A fresh database for this test file that is also the app's: the environment names it
 * (PGLITE_DIR=memory://, or DATABASE_URL of a cloned database) before the app's client opens, so
 * route handlers and actions called by the test use it exactly as they use a configured one.
 * Call it once per file, before anything opens the app's database.
 */
export async function useFreshDatabase(): Promise<TestDatabase> {
  if (!onPostgres) {
    process.env.PGLITE_DIR = "memory://";
    resetEnvCache();
    const database = appDatabase();
    await migrate(database);
    return { ...database, name: "pglite" };
  }
  const { name, url } = await cloneTemplate();
  Object.assign(process.env, { DATABASE_URL: url, DB_POOL_MAX: "20" });
  resetEnvCache();
  return droppedOnClose(appDatabase(), name, url);
}

/**
 * This test file's app database (useFreshDatabase), opened before its first test and closed after
 * its last: `const database = fileDatabase();` at the top of the file replaces the same
 * beforeAll/afterAll pair in every database test. Its fields are there once the file's tests run.
 */
export function fileDatabase(): TestDatabase {
  const opened = openedForFile(useFreshDatabase, "database");
  return {
    get db() {
      return opened().db;
    },
    get kind() {
      return opened().kind;
    },
    get replicas() {
      return opened().replicas;
    },
    get name() {
      return opened().name;
    },
    get url() {
      return opened().url;
    },
    close: () => opened().close(),
  };
}
