// npm run bench:pages — the shopper order page on PostgreSQL with the demo data: first-load
// JavaScript (gzipped, every script the page loads) and server time under load (autocannon,
// 50 connections), next to a bare node:http server running the same queries (the floor).
// Needs a production build (npm run build).
import autocannon from "autocannon";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { sql } from "drizzle-orm";
import { rows } from "../lib/db/client";
import { seedDemo } from "../lib/seed/demo";
import { loadOrderView } from "../lib/orders/view";
import { databaseUrl, fmt, freshBenchDatabase, report, table } from "./lib";
import { chromiumLaunchOptions } from "../testing/chromium";

const port = Number(process.env.BENCH_PORT ?? 3400);
const duration = Number(process.env.BENCH_SECONDS ?? 20);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

async function waitFor(url: string) {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not come up`);
}

async function load(url: string, headers: Record<string, string>) {
  // Warm up first: a cold Next process is markedly slower.
  await autocannon({ url, connections: 10, duration: 5, headers });
  const result = await autocannon({ url, connections, duration, headers });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    errors: result.errors + result.non2xx,
  };
}

/** Every script Chromium fetches to load and hydrate the page (including chunks the runtime loads). */
async function firstLoadJavaScript(url: string, sessionToken: string) {
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    const context = await browser.newContext();
    await context.addCookies([{ name: "authjs.session-token", value: sessionToken, url }]);
    const page = await context.newPage();
    const bodies: Promise<Buffer>[] = [];
    page.on("response", (response) => {
      if (response.request().resourceType() === "script") bodies.push(response.body());
    });
    await page.goto(url, { waitUntil: "networkidle" });
    const scripts = await Promise.all(bodies);
    return {
      count: scripts.length,
      raw: scripts.reduce((n, b) => n + b.length, 0),
      gzipped: scripts.reduce((n, b) => n + gzipSync(b).length, 0),
    };
  } finally {
    await browser.close();
  }
}

async function main() {
  const database = await freshBenchDatabase("backorder_bench_pages");
  console.log("Seeding the demo data on PostgreSQL…");
  await seedDemo(database.db, { anchor: new Date().toISOString().slice(0, 10) });
  // A signed-in shopper with a partly backordered order: a session row, as Auth.js would write it.
  const [target] = await rows<{ id: string; email: string }>(
    database.db,
    sql`select o.id, o.email from orders o where exists (select 1 from order_lines l where l.order_id = o.id and l.status = 'backordered')
        and (select count(*) from order_lines l where l.order_id = o.id) >= 2 order by o.placed_at desc limit 1`,
  );
  const sessionToken = randomBytes(24).toString("hex");
  await database.db.execute(
    sql`insert into users (id, email) values (${`bench-${sessionToken}`}, ${target!.email}) on conflict (email) do nothing`,
  );
  await database.db.execute(sql`insert into sessions (session_token, user_id, expires)
    select ${sessionToken}, id, now() + interval '1 day' from users where email = ${target!.email}`);
  const cookie = { cookie: `authjs.session-token=${sessionToken}` };

  const env = (appUrl: string) => ({
    ...process.env,
    DATABASE_URL: databaseUrl("backorder_bench_pages"),
    MAIL_TRANSPORT: "mailbox",
    MAILBOX_TOKEN: "bench-mailbox-token-bench-mailbox-token",
    RUN_WORKER: "false",
    AUTH_SECRET: "bench-secret-bench-secret-bench-secret-0",
    APP_URL: appUrl,
    AUTH_URL: appUrl,
    AUTH_TRUST_HOST: "true",
    NEXT_TELEMETRY_DISABLED: "1",
  });
  // The floor: the same page data from a bare node:http server, as JSON.
  const bare = createServer(async (_req, res) => {
    const view = await loadOrderView(database.db, target!.id);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(view));
  }).listen(port + 9);
  const results: (string | number)[][] = [];
  try {
    const floor = await load(`http://localhost:${port + 9}/`, {});
    // One `next start` process, then two app processes sharing the port (scripts/serve.ts).
    for (const processes of [1, 2]) {
      const appPort = port + processes;
      const appUrl = `http://localhost:${appPort}`;
      const server =
        processes === 1
          ? spawn("npx", ["next", "start", "-p", String(appPort)], {
              env: env(appUrl),
              stdio: "ignore",
              detached: true,
            })
          : spawn("npx", ["tsx", "scripts/serve.ts"], {
              env: { ...env(appUrl), PORT: String(appPort), WEB_CONCURRENCY: String(processes) },
              stdio: "ignore",
              detached: true,
            });
      try {
        const pageUrl = `${appUrl}/orders/${target!.id}`;
        await waitFor(`${appUrl}/api/health`);
        const html = await (await fetch(pageUrl, { headers: cookie })).text();
        if (!html.includes("Your choices for this order") && !html.includes("Cancel item"))
          throw new Error("The order page did not render for the signed-in shopper");
        if (processes === 1) {
          const { gzipped, raw, count } = await firstLoadJavaScript(pageUrl, sessionToken);
          report(
            `First-load JavaScript of the order page: ${(gzipped / 1024).toFixed(1)} kB gzipped (${(raw / 1024).toFixed(0)} kB raw, ${count} scripts loaded by Chromium).`,
          );
        }
        console.log(
          `Loading the order page (${processes} process${processes === 1 ? "" : "es"}) with ${connections} connections for ${duration} s…`,
        );
        const page = await load(pageUrl, cookie);
        results.push([
          `order page, ${processes} app process${processes === 1 ? "" : "es"}, signed in`,
          fmt(page.p50),
          fmt(page.p99),
          page.rps.toFixed(0),
          page.errors,
          `${(page.p99 / floor.p99).toFixed(1)}×`,
        ]);
      } finally {
        process.kill(-server.pid!, "SIGTERM");
      }
    }
    results.push([
      "bare node:http, same query, JSON (floor)",
      fmt(floor.p50),
      fmt(floor.p99),
      floor.rps.toFixed(0),
      floor.errors,
      "1×",
    ]);
    report(
      `\n${table(["what", "p50", "p99", "requests/s", "errors", "p99 vs floor"], results)}\n\nClosed loop (autocannon), ${connections} connections for ${duration} s each; target p99 under 100 ms at 50 connections.`,
    );
  } finally {
    bare.closeAllConnections();
    await new Promise((resolve) => bare.close(resolve));
    await database.close();
  }
}

await main();
