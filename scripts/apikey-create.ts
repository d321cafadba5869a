// npm run apikey:create -- --merchant <slug> [--name "Shop backend"]
// Prints a new ingest API key once; only its hash is stored.
import { parseArgs } from "node:util";
import { openConfigured } from "../lib/db/client";
import { createApiKey } from "../lib/api/keys";
import { isDomainError } from "../lib/errors";
import { runScript } from "./run-script";

const { values } = parseArgs({
  options: { merchant: { type: "string" }, name: { type: "string", default: "API key" } },
});

await runScript(async () => {
  if (!values.merchant) {
    console.error("Usage: npm run apikey:create -- --merchant <slug> [--name <label>]");
    process.exitCode = 1;
    return;
  }
  const database = openConfigured();
  try {
    const created = await createApiKey(database.db, { merchantSlug: values.merchant, name: values.name! });
    console.log(`API key for ${created.merchant.name} (shown once, store it now):\n\n  ${created.key}\n`);
    console.log(`Use it as: Authorization: Bearer ${created.key.slice(0, 12)}…`);
  } catch (error) {
    if (isDomainError(error)) {
      console.error(error.message);
      process.exitCode = 1;
      return;
    }
    throw error;
  } finally {
    await database.close();
  }
});
