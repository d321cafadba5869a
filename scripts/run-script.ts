import { existsSync } from "node:fs";
import { EnvError } from "../lib/env";

// Scripts read .env like the app does, and end with one sentence instead of a stack trace when
// the environment is wrong.
if (existsSync(".env")) process.loadEnvFile(".env");

export async function runScript(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
