// npm run apikey:create -- --merchant <slug> [--name "Shop backend"]
// Prints a new ingest API key once; only its hash is stored.
import { parseArgs } from "node:util";
import { createApiKey } from "../lib/api/keys";
import { runWithDatabase, usage } from "./run-script";

const { values } = parseArgs({
  options: { merchant: { type: "string" }, name: { type: "string", default: "API key" } },
});

const merchantSlug = values.merchant ?? usage("npm run apikey:create -- --merchant <slug> [--name <label>]");

await runWithDatabase(async (database) => {
  const created = await createApiKey(database.db, { merchantSlug, name: values.name! });
  console.log(`API key for ${created.merchant.name} (shown once, store it now):\n\n  ${created.key}\n`);
  console.log(`Use it as: Authorization: Bearer ${created.key.slice(0, 12)}…`);
});
