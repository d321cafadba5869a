// npm run db:seed — fills an empty database with the demo world (refuses a non-empty one).
import { openConfigured } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import { printSummary, seedAnchor } from "../lib/seed/print";
import { SeedRefused, seedDemo } from "../lib/seed/demo";
import { runScript } from "./run-script";

await runScript(async () => {
  const database = openConfigured();
  try {
    await migrate(database);
    const started = Date.now();
    const summary = await seedDemo(database.db, { anchor: seedAnchor() });
    printSummary(summary, Date.now() - started);
  } catch (error) {
    if (error instanceof SeedRefused) {
      console.log(error.message);
      process.exitCode = 1;
      return;
    }
    throw error;
  } finally {
    await database.close();
  }
});
