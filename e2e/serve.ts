// Starts the built app for the browser tests on a fresh, seeded database: a new PGlite folder, or
// a new database on the PostgreSQL server named by DATABASE_URL. The demo summary (orders to try)
// is written to .data/e2e-demo-<port>.json for the tests, which cannot open the PGlite folder
// themselves. Everything is keyed by E2E_PORT so two runs on one machine stay apart.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import postgres from "postgres";
import { openConfigured } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import { createApiKey } from "../lib/api/keys";
import { addAgent } from "../lib/support/access";
import { seedDemo } from "../lib/seed/demo";
import { e2eMailboxToken } from "./mailbox-token";
import { makeProducts, startShopifyStandIn } from "../testing/shopify-standin";
import { e2eShopify } from "./shopify-standin-config";

const port = process.env.E2E_PORT ?? "3100";
Object.assign(process.env, {
  MAIL_TRANSPORT: "mailbox",
  AUTH_SECRET: process.env.AUTH_SECRET ?? "e2e-secret-e2e-secret-e2e-secret-0123456",
  AUTH_TRUST_HOST: "true",
  NEXT_TELEMETRY_DISABLED: "1",
  RUN_WORKER: "true",
  // The browser tests play the proxy in front of the app (one X-Forwarded-For per test), from loopback.
  TRUSTED_PROXIES: "loopback",
  // Needed on PostgreSQL; playwright.config.ts gives it as the mailbox's password.
  MAILBOX_TOKEN: e2eMailboxToken,
  // The integration pages register endpoints on a local receiver.
  WEBHOOKS_ALLOW_INTERNAL_ADDRESSES: "true",
});
delete process.env.RESEND_API_KEY;
// No APP_URL, as `npm start` on a laptop: sign-in follows the host the browser used
// (e2e/signin-host.spec.ts), and the worker's emails link to localhost on this port.
delete process.env.APP_URL;
delete process.env.AUTH_URL;

// The Shopify app, pointed at the local stand-in for Shopify's OAuth and Admin API
// (testing/shopify-standin.ts), on this run's port + 50. e2e/shopify.spec.ts installs onto it.
const shopifyStandIn = await startShopifyStandIn({
  port: Number(process.env.E2E_SHOPIFY_PORT ?? Number(port) + 50),
  apiKey: e2eShopify.apiKey,
  apiSecret: e2eShopify.apiSecret,
});
shopifyStandIn.pageSize = 2;
for (const shop of e2eShopify.shops) shopifyStandIn.setProducts(shop, makeProducts(5, "E2E"));
Object.assign(process.env, {
  SHOPIFY_API_KEY: e2eShopify.apiKey,
  SHOPIFY_API_SECRET: e2eShopify.apiSecret,
  SHOPIFY_TOKEN_KEY: Buffer.alloc(32, 9).toString("base64"),
  SHOPIFY_ADMIN_BASE_URL: shopifyStandIn.url,
});

if (process.env.DATABASE_URL) {
  const url = new URL(process.env.DATABASE_URL);
  const name = `${url.pathname.slice(1)}_e2e_${port}`;
  const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
} else {
  process.env.PGLITE_DIR = `.data/e2e-${port}-pglite`;
  rmSync(process.env.PGLITE_DIR, { recursive: true, force: true });
}

const database = openConfigured();
await migrate(database);
const summary = await seedDemo(database.db, { anchor: new Date().toISOString().slice(0, 10) });
const apiKey = await createApiKey(database.db, { merchantSlug: "northwind", name: "e2e" });
// A second Northwind agent for the integration pages: sign-in links are limited to 5 per address in
// 15 minutes, and the support spec signs the demo agent in four times.
await addAgent(database.db, {
  email: "logs@northwind.example",
  name: "Lee Park",
  merchantSlug: "northwind",
  all: false,
});
// And one for the console's own journeys (swap confirmation, narrow screens, not-found pages).
await addAgent(database.db, {
  email: "console@northwind.example",
  name: "Sam Ortiz",
  merchantSlug: "northwind",
  all: false,
});
// And one for the console's dates and time zones (e2e/support-console.spec.ts).
await addAgent(database.db, {
  email: "zones@northwind.example",
  name: "Kim Lee",
  merchantSlug: "northwind",
  all: false,
});
// The admin who installs the Shopify app in e2e/shopify.spec.ts (its own sign-in link budget).
await addAgent(database.db, { email: e2eShopify.admin, name: "Ada Apps", all: true });
await database.close();
mkdirSync(".data", { recursive: true });
writeFileSync(`.data/e2e-demo-${port}.json`, JSON.stringify({ ...summary, apiKey: apiKey.key }, null, 2));

// The same server `npm start` runs (scripts/serve.ts), so the browser tests cover it.
const server = spawn("npx", ["tsx", "scripts/serve.ts"], { stdio: "inherit", env: { ...process.env, PORT: port } });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
