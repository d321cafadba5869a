// npm run db:seed — fills an empty database with the demo world (refuses a non-empty one).
import { migrate } from "../lib/db/migrate";
import { printSummary, seedAnchor } from "../lib/seed/print";
import { seedDemo } from "../lib/seed/demo";
import { runWithDatabase } from "./run-script";

await runWithDatabase(async (database) => {
  await migrate(database);
  const started = Date.now();
  const summary = await seedDemo(database.db, { anchor: seedAnchor() });
  printSummary(summary, Date.now() - started);
});
