import { existsSync } from "node:fs";
import { openConfigured, type Database } from "../lib/db/client";
import { EnvError } from "../lib/env";
import { isDomainError } from "../lib/errors";

// Scripts read .env like the app does, and end with one sentence instead of a stack trace when
// the environment is wrong or the domain refuses (an unknown shop, a seeded database).
if (existsSync(".env")) process.loadEnvFile(".env");

export async function runScript(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof EnvError || isDomainError(error)) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/** runScript on the configured database, closed when the work ends however it ends. */
export function runWithDatabase(main: (database: Database) => Promise<void>): Promise<void> {
  return runScript(async () => {
    const database = openConfigured();
    try {
      await main(database);
    } finally {
      await database.close();
    }
  });
}

/** Prints how to call the script and stops it, before anything is opened. */
export function usage(line: string): never {
  console.error(`Usage: ${line}`);
  process.exit(1);
}
