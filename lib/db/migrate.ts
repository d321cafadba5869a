import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import path from "node:path";
import type { Database } from "./client";

export const migrationsFolder = path.resolve(process.cwd(), "drizzle");

/** Applies the generated migrations in drizzle/ (the only way the schema changes). */
export async function migrate(database: Database): Promise<void> {
  const config = { migrationsFolder, migrationsSchema: "drizzle" };
  if (database.kind === "pglite") {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await migratePglite(database.db as any, config);
  } else {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await migratePostgres(database.db as any, config);
  }
}
