// npm test — is it green? Type check and lint, unit and database tests (Vitest; on PGlite, or on PostgreSQL when
// DATABASE_URL is set), then a production build and the browser tests (Playwright in Debian's
// Chromium, installed here with apt-get when it is missing).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function run(title: string, command: string, args: string[]) {
  console.log(`\n▶ ${title}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (result.status !== 0) {
    console.error(`✗ ${title} failed (${seconds} s).`);
    process.exit(result.status ?? 1);
  }
  console.log(`✓ ${title} (${seconds} s)`);
}

if (!existsSync(chromium)) {
  console.log(`Chromium is missing at ${chromium}; installing Debian's chromium package…`);
  const install = spawnSync(
    "sh",
    ["-c", "apt-get install -y chromium || (apt-get update && apt-get install -y chromium)"],
    { stdio: "inherit" },
  );
  if (install.status !== 0 || !existsSync(chromium)) {
    console.error(
      "Could not install Chromium (apt-get install -y chromium needs root); install it, or set CHROMIUM_PATH.",
    );
    process.exit(1);
  }
}

const database = process.env.DATABASE_URL
  ? `PostgreSQL (${new URL(process.env.DATABASE_URL).pathname.slice(1)})`
  : "embedded PGlite";
console.log(`Testing against ${database}.`);
run("Type check", "npx", ["tsc", "--noEmit"]);
run("Lint (ESLint, Prettier, import rules)", "npm", ["run", "--silent", "lint"]);
run("Unit and database tests", "npx", ["vitest", "run"]);
run("Production build", "npx", ["next", "build"]);
run("Browser tests", "npx", ["playwright", "test"]);
