// npm run bench:load [-- --seconds 60 --processes 2 --db backorder_bench]
// Sustained, evenly spaced (open-loop) load on the built app over the million-order database from
// `npm run bench:data`: order lookup, order page, signed view page, /orders for a signed-in
// shopper, and the ingest API (orders, shipments), each at a fixed rate, with p50 / p99 / errors,
// next to a bare node:http server running the order page's query (the floor).
import { spawn } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { createApiKey } from "../lib/api/keys";
import { openPostgres, rows } from "../lib/db/client";
import { viewToken } from "../lib/links/view-link";
import { lookupOrder } from "../lib/orders/lookup";
import { loadOrderView, ordersForEmail } from "../lib/orders/view";
import { databaseUrl, fmt, prewarm, report, table } from "./lib";
import { openLoop, type LoadResult, type Shot } from "./open-loop";

const { values } = parseArgs({
  options: {
    db: { type: "string", default: "backorder_bench" },
    seconds: { type: "string", default: "60" },
    processes: { type: "string", default: "2" },
    port: { type: "string", default: "3700" },
    only: { type: "string" },
  },
});
const seconds = Number(values.seconds);
const port = Number(values.port);
const secret = "load-secret-load-secret-load-secret-01234";
process.env.AUTH_SECRET = secret;
process.env.MAIL_TRANSPORT ??= "mailbox";
process.env.MAILBOX_TOKEN ??= "load-mailbox-token-load-mailbox-token";

const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;

async function waitFor(url: string) {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not come up`);
}

async function main() {
  const database = openPostgres(databaseUrl(values.db!), { max: 8 });
  const { db } = database;
  const [{ orders }] = (await rows<{ orders: number }>(db, sql`select count(*)::int as orders from orders`)) as [
    { orders: number },
  ];
  if (orders < 10_000) throw new Error(`Run npm run bench:data first (${values.db} has ${orders} orders).`);
  await prewarm(db);
  console.log(`Preparing shoppers, sessions and API keys on ${orders.toLocaleString("en-US")} orders…`);

  const sample = await rows<{ id: string; number: string; email: string }>(
    db,
    sql`select id, number, email from orders tablesample system (1) limit 3000`,
  );
  const sessions = new Map<string, string>();
  for (const email of new Set(sample.map((s) => s.email))) {
    const token = randomBytes(24).toString("hex");
    await db.execute(
      sql`insert into users (id, email) values (${`load-${token}`}, ${email}) on conflict (email) do nothing`,
    );
    await db.execute(
      sql`insert into sessions (session_token, user_id, expires) select ${token}, id, now() + interval '1 day' from users where email = ${email}`,
    );
    sessions.set(email, token);
  }
  const shop = "shop-01";
  const { key } = await createApiKey(db, { merchantSlug: shop, name: `load-${Date.now()}` });
  const skuCodes = (
    await rows<{ code: string }>(
      db,
      sql`select s.code from skus s join merchants m on m.id = s.merchant_id where m.slug = ${shop}`,
    )
  ).map((r) => r.code);
  const shippable = await rows<{ number: string; sku: string }>(
    db,
    sql`select o.number, l.sku_code as sku from order_lines l join orders o on o.id = l.order_id join merchants m on m.id = o.merchant_id
        where m.slug = ${shop} and l.status in ('backordered', 'ready') and l.quantity > l.shipped_quantity + l.cancelled_quantity
        order by md5(l.id::text) limit ${Math.ceil(100 * seconds * 1.2)}`,
  );
  const run = randomBytes(3).toString("hex");

  const appUrl = `http://localhost:${port}`;
  mkdirSync(".data", { recursive: true });
  const appLog = openSync(".data/bench-load-app.log", "w");
  const server = spawn("npx", ["tsx", "scripts/serve.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl(values.db!),
      PORT: String(port),
      WEB_CONCURRENCY: values.processes,
      MAIL_TRANSPORT: "mailbox",
      MAILBOX_TOKEN: "load-mailbox-token-load-mailbox-token",
      RUN_WORKER: "false",
      AUTH_SECRET: secret,
      APP_URL: appUrl,
      AUTH_URL: appUrl,
      AUTH_TRUST_HOST: "true",
      NEXT_TELEMETRY_DISABLED: "1",
    },
    // The app's own output, for when a request fails: .data/bench-load-app.log.
    stdio: ["ignore", appLog, appLog],
    detached: true,
  });
  // The floors: each page's own query from a bare server, answering JSON.
  const bare = createServer(async (req, res) => {
    const [, kind, arg] = req.url!.split("/");
    let body: unknown;
    if (kind === "view") body = await loadOrderView(db, arg!);
    else if (kind === "orders") body = await ordersForEmail(db, decodeURIComponent(arg!));
    else {
      let text = "";
      for await (const chunk of req) text += chunk;
      const fields = JSON.parse(text) as { number: string; email: string };
      body = await lookupOrder(db, { ...fields, ip: String(req.headers["x-forwarded-for"]) });
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  }).listen(port + 50);

  // A new order of one to three lines over the shop's SKUs.
  const newOrder = (prefix: string, i: number) => ({
    number: `#L${run}-${prefix}${i}`,
    email: `load${i % 5000}@example.com`,
    lines: Array.from({ length: 1 + (i % 3) }, (_, k) => ({
      sku: skuCodes[(i * 7 + k * 13) % skuCodes.length],
      quantity: 1,
    })).filter((l, k, all) => all.findIndex((x) => x.sku === l.sku) === k),
  });
  const batchSize = 20;
  const cookie = (email: string) => ({ cookie: `authjs.session-token=${sessions.get(email)}` });
  const json = { "content-type": "application/json", accept: "application/json" };
  // `baseline`: what the row's ratio is against, measured in the same run. Pages against the bare
  // server's floor; orders sent in batches against the same orders sent one a request.
  type Scenario = {
    name: string;
    rate: number;
    target?: string;
    next: (i: number) => Shot;
    base?: string;
    ok?: (s: number) => boolean;
    baseline?: string;
    ordersPerRequest?: number;
  };
  const floorBase = `http://localhost:${port + 50}`;
  const lookupShot = (i: number): Shot => {
    const o = pick(sample);
    const email = i % 10 < 3 ? `nobody${i}@example.com` : o.email;
    return {
      method: "POST",
      path: "/lookup",
      headers: { ...json, "x-forwarded-for": `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
      body: JSON.stringify({ number: o.number, email }),
    };
  };
  const orderPageFloor = "floor: bare node:http, order page query, JSON";
  const ordersFloor = "floor: bare node:http, /orders query, JSON";
  const lookupFloor = "floor: bare node:http, lookup (same rate limits), JSON";
  const single = "ingest: new orders (POST /api/v1/orders)";
  const scenarios: Scenario[] = [
    {
      name: "order page (signed-in owner)",
      rate: 200,
      target: "p99 < 100 ms at 200/s",
      baseline: orderPageFloor,
      next: () => {
        const o = pick(sample);
        return { method: "GET", path: `/orders/${o.id}`, headers: cookie(o.email) };
      },
    },
    {
      name: "signed view page /o/{token}",
      rate: 200,
      baseline: orderPageFloor,
      next: () => ({ method: "GET", path: `/o/${viewToken(pick(sample).id)}` }),
    },
    {
      name: "/orders, signed-in shopper",
      rate: 100,
      baseline: ordersFloor,
      next: () => ({ method: "GET", path: "/orders", headers: cookie(pick(sample).email) }),
    },
    {
      name: "order lookup (POST /lookup; 30% wrong email)",
      rate: 100,
      baseline: lookupFloor,
      ok: (s) => s === 200 || s === 404,
      next: lookupShot,
    },
    {
      name: single,
      rate: 300,
      target: "300 orders/s",
      next: (i) => ({
        method: "POST",
        path: "/api/v1/orders",
        headers: { ...json, authorization: `Bearer ${key}`, "idempotency-key": `load-${run}-${i}` },
        body: JSON.stringify(newOrder("", i)),
      }),
    },
    {
      // The same orders as above, 20 to a request: what a backfill or a WMS sync costs.
      name: `ingest: new orders in batches of ${batchSize} (POST /api/v1/order-batches; orders/s = ${batchSize} × ok/s)`,
      rate: 300 / batchSize,
      target: "300 orders/s",
      baseline: single,
      ordersPerRequest: batchSize,
      next: (i) => ({
        method: "POST",
        path: "/api/v1/order-batches",
        headers: { ...json, authorization: `Bearer ${key}`, "idempotency-key": `load-${run}-b${i}` },
        body: JSON.stringify({
          orders: Array.from({ length: batchSize }, (_, k) => newOrder(`B${i}`, i * batchSize + k)),
        }),
      }),
    },
    {
      name: "ingest: shipments (POST /api/v1/shipments)",
      rate: 100,
      next: (i) => {
        const s = shippable[i % shippable.length]!;
        return {
          method: "POST",
          path: "/api/v1/shipments",
          headers: { ...json, authorization: `Bearer ${key}` },
          body: JSON.stringify({
            orderNumber: s.number,
            carrier: "UPS",
            trackingNumber: `1ZLOAD${run}${i}`,
            externalId: `load-${run}-${i}`,
            lines: [{ sku: s.sku, quantity: 1 }],
          }),
        };
      },
    },
    {
      name: orderPageFloor,
      rate: 200,
      base: floorBase,
      next: () => ({ method: "GET", path: `/view/${pick(sample).id}` }),
    },
    {
      name: ordersFloor,
      rate: 100,
      base: floorBase,
      next: () => ({ method: "GET", path: `/orders/${encodeURIComponent(pick(sample).email)}` }),
    },
    // Its own addresses: the app's lookups above count against the same per-IP and per-email limits.
    { name: lookupFloor, rate: 100, base: floorBase, next: (i) => lookupShot(i + 1_000_000) },
  ];

  const measured: { scenario: Scenario; r: LoadResult }[] = [];
  try {
    await waitFor(`${appUrl}/api/health`);
    console.log(`App up with ${values.processes} process(es); warming up for 20 s…`);
    await openLoop({ baseUrl: appUrl, rate: 50, seconds: 20, next: scenarios[0]!.next });
    await openLoop({ baseUrl: appUrl, rate: 50, seconds: 5, next: scenarios[1]!.next });
    for (const scenario of scenarios.filter((s) => !values.only || s.name.includes(values.only))) {
      console.log(`${scenario.name}: ${scenario.rate}/s for ${seconds} s…`);
      const r: LoadResult = await openLoop({
        baseUrl: scenario.base ?? appUrl,
        rate: scenario.rate,
        seconds,
        next: scenario.next,
        okStatus: scenario.ok,
      });
      measured.push({ scenario, r });
      console.log(`  p50 ${fmt(r.p50)}, p99 ${fmt(r.p99)}, ${r.achieved.toFixed(0)}/s ok, errors ${r.errors}`);
    }
    // Each row against its baseline from this run: a page's served rate and p99 against its bare
    // floor's at the same rate; batched orders' orders/s against one order a request.
    const resultOf = (name: string | undefined) => measured.find((m) => m.scenario.name === name)?.r;
    const ratio = ({ scenario, r }: { scenario: Scenario; r: LoadResult }) => {
      const base = resultOf(scenario.baseline);
      if (!base) return scenario.name.startsWith("floor") ? "(a floor)" : "";
      if (scenario.ordersPerRequest)
        return `${((r.achieved * scenario.ordersPerRequest) / base.achieved).toFixed(1)}× one a request's orders/s`;
      return `${(r.achieved / base.achieved).toFixed(2)}× its floor's ok/s, p99 ${(r.p99 / base.p99).toFixed(1)}×`;
    };
    const rows = measured.map((m) => {
      const { scenario, r } = m;
      const codes = Object.entries(r.statuses)
        .map(([code, n]) => `${code}×${n}`)
        .join(" ");
      return [
        scenario.name,
        `${scenario.rate}/s`,
        fmt(r.p50),
        fmt(r.p99),
        fmt(r.max),
        r.achieved.toFixed(0),
        r.errors,
        codes,
        ratio(m),
        `${Math.round(r.generatorCpu * 100)}%`,
        scenario.target ?? "",
      ];
    });
    report(
      `${table(["what", "rate", "p50", "p99", "max", "ok/s", "errors", "statuses", "vs baseline (same run)", "generator CPU", "target"], rows)}`,
    );
  } finally {
    process.kill(-server.pid!, "SIGTERM");
    bare.closeAllConnections();
    await new Promise((resolve) => bare.close(resolve));
    await database.close();
  }
}

await main();
