// npm run bench:pages [-- --db backorder_bench] [--requests 2000] [--rate 200] [--seconds 60]
// The shopper pages (Pages Router) on PostgreSQL: for every shopper route, the server CPU one
// request costs (utime + stime of the app's whole process tree, and of PostgreSQL's, from /proc,
// over `--requests` requests at 10 connections after a warm-up), latency and throughput, and the
// JavaScript Chromium loads for it; then the order page and the signed view at a fixed rate (open
// loop). Beside them, in the same run, the floor (bench/floor-server.ts): a bare node:http server
// doing the order page's reads and rendering its own component with React, or answering JSON.
// The data is the demo seed in a fresh database, or with --db an existing one (the million-order
// database of `npm run bench:data`). Needs a production build (npm run build).
import autocannon from "autocannon";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { sql } from "drizzle-orm";
import { openPostgres, rows, type Database } from "../lib/db/client";
import { viewToken } from "../lib/links/view-link";
import { delayAnswerUrl, preferencesToken } from "../lib/notifications/links";
import { seedDemo } from "../lib/seed/demo";
import { chromiumLaunchOptions } from "../testing/chromium";
import { lighthouseScores, type LighthouseScore } from "./lighthouse";
import { databaseUrl, fmt, freshBenchDatabase, prewarm, processTreeCpuMs, report, table } from "./lib";
import { openLoop } from "./open-loop";

const { values } = parseArgs({
  options: {
    db: { type: "string" },
    requests: { type: "string", default: "2000" },
    connections: { type: "string", default: "10" },
    rate: { type: "string", default: "200" },
    seconds: { type: "string", default: "60" },
    port: { type: "string", default: "3400" },
  },
});
const requests = Number(values.requests);
const connections = Number(values.connections);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const appPort = Number(values.port);
const floorPort = appPort + 9;
const dbName = values.db ?? "backorder_bench_pages";
const secret = "bench-secret-bench-secret-bench-secret-0";
process.env.AUTH_SECRET = secret;

async function waitFor(url: string) {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // Not up yet.
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not come up`);
}

function start(command: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(command, args, { env: { ...process.env, ...env }, stdio: "ignore", detached: true });
}

/** PostgreSQL's postmaster, whose process tree is every backend serving the app. */
async function postmasterPid(database: Database): Promise<number> {
  const [row] = await rows<{ pid: number }>(database.db, sql`select pg_backend_pid() as pid`);
  const stat = readFileSync(`/proc/${row!.pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

type Route = { name: string; path: string; headers: Record<string, string>; expect: string; js: boolean };

type Measured = { route: Route; appMs: number; pgMs: number; rps: number; p50: number; p99: number; errors: number };

/** `requests` requests at `connections` after a warm-up, and the CPU each side spent on them. */
async function measure(base: string, route: Route, appPid: number, pgPid: number): Promise<Measured> {
  const url = `${base}${route.path}`;
  await autocannon({ url, connections, amount: Math.max(200, requests / 5), headers: route.headers });
  const before = { app: processTreeCpuMs(appPid), pg: processTreeCpuMs(pgPid) };
  const result = await autocannon({ url, connections, amount: requests, headers: route.headers });
  const after = { app: processTreeCpuMs(appPid), pg: processTreeCpuMs(pgPid) };
  const served = result.requests.total;
  return {
    route,
    appMs: (after.app - before.app) / served,
    pgMs: (after.pg - before.pg) / served,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/** Every script Chromium fetches for the page, gzipped (0 for a page that ships no JavaScript). */
async function firstLoadJs(base: string, routes: Route[], sessionToken: string): Promise<Map<string, number>> {
  const browser = await chromium.launch(chromiumLaunchOptions);
  const sizes = new Map<string, number>();
  try {
    for (const route of routes) {
      const context = await browser.newContext();
      await context.addCookies([{ name: "authjs.session-token", value: sessionToken, url: base }]);
      const page = await context.newPage();
      const bodies: Promise<Buffer>[] = [];
      page.on("response", (response) => {
        if (response.request().resourceType() === "script") bodies.push(response.body());
      });
      await page.goto(`${base}${route.path}`, { waitUntil: "networkidle" });
      const text = await page.content();
      if (!text.includes(route.expect)) throw new Error(`${route.name} did not show "${route.expect}"`);
      sizes.set(
        route.name,
        (await Promise.all(bodies)).reduce((n, b) => n + gzipSync(b).length, 0),
      );
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return sizes;
}

function scoreCell(score: LighthouseScore): string {
  return `${score.performance} / ${score.accessibility} (${fmt(score.lcp)}, ${fmt(score.tbt)})`;
}

async function main() {
  const database = values.db ? openPostgres(databaseUrl(dbName), { max: 4 }) : await freshBenchDatabase(dbName);
  if (values.db) await prewarm(database.db);
  else {
    console.log("Seeding the demo data on PostgreSQL…");
    await seedDemo(database.db, { anchor: new Date().toISOString().slice(0, 10) });
  }
  // A signed-in shopper with a partly backordered order: a session row, as Auth.js would write it.
  const [target] = await rows<{ id: string; email: string }>(
    database.db,
    sql`select o.id, o.email from orders o where o.id in (
          select l.order_id from order_lines l where l.status = 'backordered' group by l.order_id having count(*) >= 1 limit 200)
        and (select count(*) from order_lines l where l.order_id = o.id) >= 2 limit 1`,
  );
  const [notice] = await rows<{ id: number }>(database.db, sql`select id from delay_notices order by id desc limit 1`);
  const sessionToken = randomBytes(24).toString("hex");
  await database.db.execute(
    sql`insert into users (id, email) values (${`bench-${sessionToken}`}, ${target!.email}) on conflict (email) do nothing`,
  );
  await database.db.execute(sql`insert into sessions (session_token, user_id, expires)
    select ${sessionToken}, id, now() + interval '1 day' from users where email = ${target!.email}`);
  const signedIn = { cookie: `authjs.session-token=${sessionToken}` };
  const pgPid = await postmasterPid(database);

  const base = `http://localhost:${appPort}`;
  const appEnv = {
    DATABASE_URL: databaseUrl(dbName),
    MAIL_TRANSPORT: "mailbox",
    MAILBOX_TOKEN: "bench-mailbox-token-bench-mailbox-token",
    RUN_WORKER: "false",
    AUTH_SECRET: secret,
    APP_URL: base,
    AUTH_URL: base,
    AUTH_TRUST_HOST: "true",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const routes: Route[] = [
    {
      name: "order page `/orders/[id]`, signed in",
      path: `/orders/${target!.id}`,
      headers: signedIn,
      expect: "Order ",
      js: true,
    },
    { name: "signed view `/o/[token]`", path: `/o/${viewToken(target!.id)}`, headers: {}, expect: "Order ", js: false },
    { name: "`/orders`, signed in", path: "/orders", headers: signedIn, expect: "Your orders", js: false },
    { name: "lookup `/`", path: "/", headers: {}, expect: "Where is my order?", js: false },
    { name: "`/signin`", path: "/signin", headers: {}, expect: "Sign in", js: false },
    {
      name: "`/preferences/[token]`",
      path: `/preferences/${preferencesToken(target!.email, target!.id)}`,
      headers: {},
      expect: "Email",
      js: true,
    },
    ...(notice
      ? [
          {
            name: "`/delay/[token]`",
            path: new URL(delayAnswerUrl(notice.id), base).pathname,
            headers: {},
            expect: "delayed",
            js: true,
          },
        ]
      : []),
  ];

  // React in production mode, as next start runs it (without NODE_ENV, tsx would load its development build).
  const floor = start("npx", ["tsx", "bench/floor-server.ts"], {
    ...appEnv,
    NODE_ENV: "production",
    FLOOR_PORT: String(floorPort),
  });
  const app = start("npx", ["next", "start", "-p", String(appPort)], appEnv);
  const measured: Measured[] = [];
  try {
    await waitFor(`${base}/api/health`);
    await waitFor(`http://localhost:${floorPort}/json?order=${target!.id}`);
    console.log("Loading Chromium for each page's JavaScript…");
    const js = await firstLoadJs(base, routes, sessionToken);
    console.log("Lighthouse (mobile) on each page…");
    const lighthouse = new Map<string, LighthouseScore>();
    for (const signed of [true, false]) {
      const group = routes.filter((r) => Boolean(r.headers.cookie) === signed);
      const scores = await lighthouseScores(
        group.map((r) => `${base}${r.path}`),
        signed ? signedIn.cookie : undefined,
      );
      for (const route of group) lighthouse.set(route.name, scores.get(`${base}${route.path}`)!);
    }
    for (const route of routes) {
      console.log(`Measuring ${route.name}: ${requests} requests at ${connections} connections…`);
      measured.push(await measure(base, route, app.pid!, pgPid));
    }
    const floorBase = `http://localhost:${floorPort}`;
    const floors: Route[] = [
      {
        name: "floor: bare node:http + React renderToString, same reads",
        path: `/html?order=${target!.id}`,
        headers: {},
        expect: "",
        js: false,
      },
      {
        name: "floor: bare node:http, same reads, JSON",
        path: `/json?order=${target!.id}`,
        headers: {},
        expect: "",
        js: false,
      },
    ];
    for (const route of floors) measured.push(await measure(floorBase, route, floor.pid!, pgPid));

    const orderPage = measured[0]!;
    report(
      `Server CPU per request, ${requests} requests at ${connections} connections (closed loop) after a warm-up, one \`next start\` process. App CPU is utime + stime of the app's whole process tree; PostgreSQL's is its postmaster's tree, from /proc. First-load JS is every script Chromium fetched for the page, gzipped.\n\n${table(
        [
          "route",
          "app CPU / request",
          "PostgreSQL CPU / request",
          "requests/s",
          "p50",
          "p99",
          "errors",
          "first-load JS (gz)",
          "Lighthouse mobile: performance / accessibility (LCP, TBT)",
          "app CPU vs order page",
        ],
        measured.map((m) => [
          m.route.name,
          `${m.appMs.toFixed(2)} ms`,
          `${m.pgMs.toFixed(2)} ms`,
          m.rps.toFixed(0),
          fmt(m.p50),
          fmt(m.p99),
          m.errors,
          js.has(m.route.name) ? `${(js.get(m.route.name)! / 1024).toFixed(1)} kB` : "—",
          lighthouse.has(m.route.name) ? scoreCell(lighthouse.get(m.route.name)!) : "—",
          `${(m.appMs / orderPage.appMs).toFixed(2)}×`,
        ]),
      )}`,
    );

    console.log(`Open loop: ${rate}/s for ${seconds} s each…`);
    const shots = [
      { name: routes[0]!.name, baseUrl: base, path: routes[0]!.path, headers: signedIn },
      { name: routes[1]!.name, baseUrl: base, path: routes[1]!.path, headers: {} },
      { name: floors[0]!.name, baseUrl: floorBase, path: floors[0]!.path, headers: {} },
    ];
    const open: (string | number)[][] = [];
    for (const shot of shots) {
      const result = await openLoop({
        baseUrl: shot.baseUrl,
        rate,
        seconds,
        next: () => ({ method: "GET", path: shot.path, headers: shot.headers }),
        okStatus: (s) => s === 200,
      });
      open.push([
        shot.name,
        `${rate}/s`,
        fmt(result.p50),
        fmt(result.p99),
        fmt(result.max),
        result.achieved.toFixed(0),
        result.errors,
      ]);
    }
    report(
      `\nOpen loop (requests leave on schedule, latency counted from when each was due), ${rate}/s for ${seconds} s each; target p99 < 100 ms and 0 errors at 200/s.\n\n${table(
        ["what", "rate", "p50", "p99", "max", "ok/s", "errors"],
        open,
      )}`,
    );
  } finally {
    for (const child of [app, floor]) {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // Already gone.
      }
    }
    await database.close();
  }
}

await main();
