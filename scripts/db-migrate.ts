// npm run db:migrate — applies drizzle/ migrations to DATABASE_URL, or to the embedded PGlite folder.
import { openConfigured } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import { runScript } from "./run-script";

await runScript(async () => {
  const database = openConfigured();
  try {
    await migrate(database);
    console.log(`Migrations applied (${database.kind === "postgres" ? "PostgreSQL" : "embedded PGlite"}).`);
  } finally {
    await database.close();
  }
});
