// npm run db:reset — drops everything in the configured database, migrates and seeds the demo.
import { sql } from "drizzle-orm";
import { openConfigured } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import { seedDemo } from "../lib/seed/demo";
import { printSummary, seedAnchor } from "../lib/seed/print";
import { runScript } from "./run-script";

await runScript(async () => {
  const database = openConfigured();
  try {
    await database.db.execute(sql`drop schema if exists public cascade`);
    await database.db.execute(sql`drop schema if exists drizzle cascade`);
    await database.db.execute(sql`drop schema if exists pgboss cascade`);
    await database.db.execute(sql`create schema public`);
    await migrate(database);
    const started = Date.now();
    printSummary(await seedDemo(database.db, { anchor: seedAnchor() }), Date.now() - started);
  } finally {
    await database.close();
  }
});
