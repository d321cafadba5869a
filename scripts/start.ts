// npm start — the portal in one command: checks the environment, applies migrations, fills an
// empty embedded database with demo data, builds if the build is missing or stale, and serves.
// `npm run dev` does the same with Next's dev server instead of a production build.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { openConfigured, rows } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import { env, parseEnv } from "../lib/env";
import { seedDemo } from "../lib/seed/demo";
import { printSummary, seedAnchor } from "../lib/seed/print";
import { runScript } from "./run-script";

const dev = process.argv.includes("--dev");

await runScript(async () => {
  parseEnv(process.env);
  ensureAuthSecret();
  const port = process.env.PORT ?? "3000";
  // No APP_URL: links and redirects follow the host each request was sent to (lib/env.ts siteOrigin).
  if (process.env.APP_URL) process.env.AUTH_URL ??= process.env.APP_URL;
  process.env.AUTH_TRUST_HOST ??= "true";
  process.env.NEXT_TELEMETRY_DISABLED ??= "1";

  // Only one process may open a PGlite folder: migrate and seed here, then hand it to the server.
  const database = openConfigured();
  try {
    await migrate(database);
    const [{ count } = { count: 0 }] = await rows<{ count: number }>(
      database.db,
      sql`select count(*)::int as count from merchants`,
    );
    if (Number(count) === 0 && (database.kind === "pglite" || process.env.SEED_DEMO === "true")) {
      console.log("Empty database: adding demo data (about 20 seconds, once)…");
      const started = Date.now();
      printSummary(await seedDemo(database.db, { anchor: seedAnchor() }), Date.now() - started);
    }
  } finally {
    await database.close();
  }

  if (!dev && buildIsStale()) {
    console.log("Building the app…");
    const build = spawnSync("npx", ["next", "build"], { stdio: "inherit", env: process.env });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  console.log(`\nPortal: ${env().APP_URL}  (dev mailbox: ${env().APP_URL}/dev/mailbox)`);
  // The production server is scripts/serve.ts: Next's handler behind a database watch (503 with a
  // sentence while PostgreSQL cannot be reached), and several processes with WEB_CONCURRENCY.
  const command = ["tsx", "scripts/serve.ts", ...(dev ? ["--dev"] : [])];
  const server = spawn("npx", command, { stdio: "inherit", env: { ...process.env, PORT: port } });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  server.on("exit", (code) => process.exit(code ?? 0));
});

/** A local secret for the embedded demo, kept in .data/ so sessions survive restarts. */
function ensureAuthSecret() {
  if (process.env.AUTH_SECRET) return;
  const file = path.resolve(".data/auth-secret");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(33).toString("base64"), { mode: 0o600 });
    if (process.env.DATABASE_URL) {
      console.log(
        "AUTH_SECRET is not set: using a secret generated in .data/auth-secret. Set AUTH_SECRET when running more than one instance.",
      );
    }
  }
  process.env.AUTH_SECRET = readFileSync(file, "utf8").trim();
}

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function buildIsStale(): boolean {
  const buildId = path.resolve(".next/BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const sources = ["app", "components", "lib", "public", "next.config.ts", "package.json"].map((p) =>
    existsSync(p) && statSync(p).isFile() ? statSync(p).mtimeMs : newestMtime(p),
  );
  return Math.max(...sources) > built;
}
