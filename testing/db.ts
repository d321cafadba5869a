import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openPglite, openPostgres, setAppDatabase, type Database } from "../db/client";
import { migrate } from "../db/migrate";

// Each test file gets a clean database with the real migrations applied: a fresh in-memory PGlite,
// or, when DATABASE_URL is set, a fresh PostgreSQL database cloned from a migrated template
// (made once per run by vitest.global-setup.ts).

export const onPostgres = Boolean(process.env.DATABASE_URL);

export function templateName(): string {
  return process.env.TEST_TEMPLATE_DB ?? "backorder_test_template";
}

export function serverUrl(database: string): string {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${database}`;
  return url.toString();
}

export type TestDatabase = Database & { name: string; url?: string };

export async function freshDatabase(): Promise<TestDatabase> {
  if (!onPostgres) {
    const database = openPglite(undefined);
    await migrate(database);
    return { ...database, name: "pglite" };
  }
  const name = `backorder_t_${randomBytes(6).toString("hex")}`;
  const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name} template ${templateName()}`);
  } finally {
    await admin.end();
  }
  const url = serverUrl(name);
  const database = openPostgres(url, { max: 20 });
  return {
    ...database,
    name,
    url,
    close: async () => {
      await database.close();
      const dropper = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** A fresh database for this test file, also installed as the app's client. */
export async function useFreshDatabase(): Promise<TestDatabase> {
  const database = await freshDatabase();
  setAppDatabase(database);
  return database;
}
