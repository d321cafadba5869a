// npm run drill — fault drills on PostgreSQL with real processes, real HTTP and a real database,
// each ending with the invariant check over the whole database (bench/drill/invariants.ts):
//
//   worker-kill     kill -9 a `npm run worker` while its batch is on the wire; restart it
//   app-kill        kill -9 the app during open-loop ingest (orders, shipments); restart; retry
//   postgres-restart  stop and start PostgreSQL under load (a private server on port 5499); the app
//                   answers 503 with a sentence meanwhile and 200 after, without a restart of its own
//   resend-outage   the email provider answers 500 for a while, then recovers
//   webhook-hang    the merchant's webhook endpoint hangs, then recovers
//
// Flags: --size small|full (small for CI: minutes in all; full: larger loads, the 60 s outage),
// --only <name> (one drill). Each drill runs on its own database cloned from one seeded template
// (the demo world plus an ingest API key). Exits non-zero when a drill or its invariants fail.
//
// Needs PostgreSQL (DRILL_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres), and
// builds the app into NEXT_DIST_DIR (default .next-drill) when that build is missing or stale.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import type { Db } from "../lib/db/client";
import {
  authSecret,
  cleanUp,
  createDatabase,
  databaseUrl,
  dropDatabase,
  ensureBuild,
  killHard,
  serverUrl,
  sleep,
  startApp,
  startPrivatePostgres,
  startWorker,
  stop,
  troubleLines,
  waitUntil,
  type Proc,
} from "./drill/harness";
import { checkInvariants, takeStockSnapshot, type InvariantOptions } from "./drill/invariants";

(process.env as Record<string, string | undefined>).NODE_ENV ??= "production";
process.env.AUTH_SECRET = authSecret;
delete process.env.DATABASE_URL;
process.env.MAIL_TRANSPORT = "mailbox";
process.env.WEBHOOKS_ALLOW_INTERNAL_ADDRESSES = "true";

const { values: flags } = parseArgs({
  options: { size: { type: "string", default: "full" }, only: { type: "string" } },
});
if (flags.size !== "small" && flags.size !== "full") {
  console.error("--size must be small or full.");
  process.exit(2);
}
const small = flags.size === "small";

// Loaded after the environment above is in place.
const { openPostgres, rows } = await import("../lib/db/client");
const { migrate } = await import("../lib/db/migrate");
const { seedDemo } = await import("../lib/seed/demo");
const { createApiKey } = await import("../lib/api/keys");
const { saveWebhookEndpoint } = await import("../lib/integrations/settings");
const { systemActor } = await import("../lib/audit/actor");
const { viewToken } = await import("../lib/links/view-link");
const { startResendStandIn } = await import("../testing/resend-standin");
const { startWebhookReceiver } = await import("../testing/webhook-receiver");

/** Sizes: small runs in CI (minutes for all five), full is the issue's drill. */
const size = small
  ? {
      workerKill: { notices: 1500, delayMs: 400 },
      appKill: { rate: 30, seconds: 20 },
      pgRestart: { rate: 20, seconds: 30, downSeconds: 6 },
      resendOutage: { notices: 600, outageSeconds: 20 },
      webhookHang: { orders: 20, hangSeconds: 20 },
    }
  : {
      workerKill: { notices: 10_000, delayMs: 400 },
      appKill: { rate: 50, seconds: 60 },
      pgRestart: { rate: 40, seconds: 75, downSeconds: 20 },
      resendOutage: { notices: 3000, outageSeconds: 60 },
      webhookHang: { orders: 100, hangSeconds: 60 },
    };

const ports = { app: 3600, proxy: 3650, privatePostgres: 5499 };
const tag = `${process.pid}`;
const template = `drill_template_${tag}`;

type Context = {
  apiKey: string;
  merchant: string;
  skus: { code: string; free: number; policy: string }[];
  sampleOrders: { id: string; number: string }[];
};
type DrillResult = { figures: string[]; failures: string[] };
type Drill = { name: string; title: string; run(context: Context): Promise<DrillResult> };

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// ---------------------------------------------------------------------------------------------
// Shared pieces

async function prepareTemplate(): Promise<Context> {
  const started = Date.now();
  await createDatabase(template);
  const database = openPostgres(databaseUrl(template), { max: 4 });
  try {
    await migrate(database);
    await seedDemo(database.db, { anchor: new Date().toISOString().slice(0, 10) });
    const { key } = await createApiKey(database.db, { merchantSlug: "northwind", name: "drill" });
    const skus = await rows<{ code: string; free: number; policy: string }>(
      database.db,
      sql`select s.code, (s.on_hand - s.allocated)::int as free, s.backorder_policy as policy
          from skus s join merchants m on m.id = s.merchant_id where m.slug = 'northwind' and s.backorder_policy = 'allow' order by s.code`,
    );
    const sampleOrders = await rows<{ id: string; number: string }>(
      database.db,
      sql`select o.id, o.number from orders o join merchants m on m.id = o.merchant_id where m.slug = 'northwind' order by o.number limit 50`,
    );
    const green = await checkInvariants(database.db);
    if (green.length > 0)
      throw new Error(
        `The seeded template is not green:\n${green.map((v) => `  ${v.check}: ${v.message}`).join("\n")}`,
      );
    console.log(`Template ${template}: demo world seeded and checked green in ${seconds(Date.now() - started)}.`);
    return { apiKey: key, merchant: "northwind", skus, sampleOrders };
  } finally {
    await database.close();
  }
}

/** A database of its own for a drill, with a client to it. */
async function drillDatabase(name: string) {
  const dbName = `drill_${name.replace(/-/g, "_")}_${tag}`;
  await createDatabase(dbName, template);
  const database = openPostgres(databaseUrl(dbName), { max: 4 });
  return { dbName, database };
}

/** `count` shipped notices for the merchant's orders, due only when `makeDue` is called (as bench/notify.ts makes them). */
async function insertNotices(db: Db, count: number, label: string) {
  await db.execute(sql`
    insert into notifications (merchant_id, order_id, email, kind, payload, due_at)
    select o.merchant_id, o.id, o.email, 'shipped',
           jsonb_build_object('shipmentId', null, 'carrier', 'UPS', 'trackingNumber', ${label} || '-' || g,
                              'trackingUrl', 'https://www.ups.com/track?tracknum=' || ${label} || g,
                              'shippedAt', now()::text,
                              'lines', jsonb_build_array(jsonb_build_object('lineId', 1, 'title', 'Wool Socks', 'units', 1 + g % 3)),
                              'stillWaiting', '[]'::jsonb),
           now() + interval '1 day'
    from generate_series(1, ${count}) g
    join lateral (select * from orders o order by o.id offset (g % 300) limit 1) o on true`);
}

async function makeDue(db: Db) {
  await db.execute(
    sql`update notifications set due_at = now() where status = 'pending' and due_at > now() + interval '1 hour'`,
  );
}

async function outboxState(db: Db) {
  const [state] = await rows<{
    waiting: number;
    sending: number;
    sent: number;
    failed: number;
    retried: number;
    queued: number;
  }>(
    db,
    sql`select count(*) filter (where status = 'pending' and due_at <= now())::int as waiting,
               (select count(*) from eta_gatherings)::int as queued,
               count(*) filter (where status = 'sending')::int as sending,
               count(*) filter (where status = 'sent')::int as sent,
               count(*) filter (where status = 'failed')::int as failed,
               count(*) filter (where attempts > 1)::int as retried
        from notifications`,
  );
  return state!;
}

async function outboxDrained(db: Db, timeoutMs: number) {
  return waitUntil(
    "the outbox to drain",
    async () => {
      const state = await outboxState(db);
      return state.waiting === 0 && state.sending === 0 && state.queued === 0;
    },
    timeoutMs,
    250,
  );
}

function emailsOf(standIn: Awaited<ReturnType<typeof startResendStandIn>>): InvariantOptions["emailDeliveries"] {
  return standIn.deliveries.map((d) => ({
    notificationId: d.email.tags?.find((t) => t.name === "notification_id")?.value ?? null,
    idempotencyKey: d.idempotencyKey,
  }));
}

async function invariants(db: Db, options: InvariantOptions, result: DrillResult) {
  const started = Date.now();
  const violations = await checkInvariants(db, options);
  if (violations.length === 0) {
    result.figures.push(`invariants: green (${seconds(Date.now() - started)})`);
  } else {
    for (const v of violations) result.failures.push(`invariant ${v.check}: ${v.message}`);
  }
}

function processTrouble(result: DrillResult, procs: Proc[]) {
  for (const proc of procs) {
    const trouble = troubleLines(proc).filter(
      (l) => !/cannot be reached|reachable again|failed 0 in the last minute/.test(l),
    );
    if (trouble.length > 0)
      result.figures.push(`${proc.name} logged ${trouble.length} error line(s), e.g. ${trouble[0]!.slice(0, 200)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP load: open loop (requests leave on schedule whatever the server does), every outcome kept

type Call = {
  i: number;
  kind: "order" | "shipment" | "lookup" | "page" | "cancel";
  method: "GET" | "POST";
  path: string;
  body?: string;
  key?: string;
  /** The outcome of each attempt: a status, or the network error. */
  outcomes: (number | string)[];
  at: number[];
  responseBody?: string;
  replayed?: boolean;
};

function send(baseUrl: string, call: Call, apiKey: string): Promise<void> {
  const url = new URL(call.path, baseUrl);
  const body = call.body ? Buffer.from(call.body) : undefined;
  const sentAt = Date.now();
  return new Promise((resolve) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: call.method,
        timeout: 30_000,
        headers: {
          ...(call.kind !== "page" ? { authorization: `Bearer ${apiKey}` } : {}),
          ...(body ? { "content-type": "application/json", "content-length": String(body.length) } : {}),
          ...(call.key ? { "idempotency-key": call.key } : {}),
        },
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          call.outcomes.push(res.statusCode ?? 0);
          call.at.push(sentAt);
          call.responseBody = Buffer.concat(chunks).toString("utf8");
          call.replayed = res.headers["idempotent-replayed"] === "true";
          resolve();
        });
        res.on("error", (error) => {
          call.outcomes.push(`error: ${error.message}`);
          call.at.push(sentAt);
          resolve();
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer in 30 s")));
    req.on("error", (error: NodeJS.ErrnoException) => {
      call.outcomes.push(`error: ${error.code ?? error.message}`);
      call.at.push(sentAt);
      resolve();
    });
    if (body) req.write(body);
    req.end();
  });
}

async function openLoop(
  baseUrl: string,
  apiKey: string,
  rate: number,
  secondsLong: number,
  make: (i: number) => Call,
  onTick?: (elapsedMs: number) => void,
) {
  const total = Math.round(rate * secondsLong);
  const calls: Call[] = [];
  const pending: Promise<void>[] = [];
  const started = Date.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 1) await sleep(wait);
    onTick?.(Date.now() - started);
    const call = make(i);
    calls.push(call);
    pending.push(send(baseUrl, call, apiKey));
  }
  await Promise.all(pending);
  return calls;
}

const ok = (status: number | string | undefined) => typeof status === "number" && status >= 200 && status < 300;
const last = (call: Call) => call.outcomes.at(-1);

/** Sends again, with the same Idempotency-Key, every call whose last answer was not a 2xx. */
async function retryFailed(baseUrl: string, apiKey: string, calls: Call[], rounds = 6) {
  let retried = 0;
  const order = (c: Call) => (c.kind === "order" ? 0 : 1);
  for (let round = 0; round < rounds; round++) {
    const failed = calls.filter((c) => c.key && !ok(last(c))).sort((a, b) => order(a) - order(b) || a.i - b.i);
    if (failed.length === 0) break;
    if (round > 0) await sleep(1000);
    for (let i = 0; i < failed.length; i += 8) {
      await Promise.all(failed.slice(i, i + 8).map((c) => send(baseUrl, c, apiKey)));
    }
    retried += failed.length;
  }
  return retried;
}

function statusCounts(calls: Call[], all = true): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of calls)
    for (const o of all ? c.outcomes : [c.outcomes[0]!]) counts[String(o)] = (counts[String(o)] ?? 0) + 1;
  return counts;
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

const describeCounts = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k}×${n}`)
    .join(", ");

/** A deterministic stream of ingest calls: orders, and every fourth call a shipment of an order sent about a second before. */
function ingestCalls(context: Context, run: string, rate: number) {
  // A shipment names an order sent about a second earlier (an order index: i - 3 - 4k).
  const lag = 3 + 4 * Math.max(2, Math.ceil(rate / 4));
  const orderNumber = (i: number) => `${run}-${i}`;
  return (i: number): Call => {
    if (i % 4 === 3 && i >= lag) {
      const target = i - lag;
      const line = orderLinesFor(target);
      return {
        i,
        kind: "shipment",
        method: "POST",
        path: "/api/v1/shipments",
        key: `${run}-ship-${i}`,
        body: JSON.stringify({
          orderNumber: orderNumber(target),
          carrier: "UPS",
          trackingNumber: `1Z${run}${i}`,
          externalId: `${run}-ship-${i}`,
          lines: [{ sku: line[0]!.sku, quantity: 1 }],
        }),
        outcomes: [],
        at: [],
      };
    }
    return {
      i,
      kind: "order",
      method: "POST",
      path: "/api/v1/orders",
      key: `${run}-order-${i}`,
      body: JSON.stringify({
        number: orderNumber(i),
        email: `drill${i}@shopper.example`,
        customerName: `Drill Shopper ${i}`,
        lines: orderLinesFor(i),
      }),
      outcomes: [],
      at: [],
    };
  };
  function orderLinesFor(i: number) {
    // Deterministic per order index, so a shipment can name a line of an order made earlier.
    const local = (seed0: number) => {
      let s = seed0;
      return () => {
        s = (s * 48271) % 2147483647;
        return s / 2147483647;
      };
    };
    const r = local(1000 + i * 7919);
    const count = 1 + Math.floor(r() * 3);
    const chosen = new Set<string>();
    while (chosen.size < count) chosen.add(context.skus[Math.floor(r() * context.skus.length)]!.code);
    return [...chosen].map((sku) => ({ sku, quantity: 1 + Math.floor(r() * 2) }));
  }
}

/** Every acknowledged order exists once with all its lines; every acknowledged shipment once with its lines; no idempotency key left half-done. */
async function checkIngested(db: Db, calls: Call[], result: DrillResult) {
  const orders = calls.filter((c) => c.kind === "order");
  const numbers = orders.map((c) => (JSON.parse(c.body!) as { number: string }).number);
  const found = await rows<{ number: string; id: string; copies: number; lines: number; units: number }>(
    db,
    sql`select o.number, min(o.id::text) as id, count(distinct o.id)::int as copies, count(l.id)::int as lines, coalesce(sum(l.quantity), 0)::int as units
        from orders o left join order_lines l on l.order_id = o.id
        where o.number = any(string_to_array(${numbers.join(",")}, ','))
        group by o.number`,
  );
  const byNumber = new Map(found.map((r) => [r.number, r]));
  let missing = 0;
  let wrong = 0;
  for (const call of orders) {
    const input = JSON.parse(call.body!) as { number: string; lines: { quantity: number }[] };
    const row = byNumber.get(input.number);
    if (!ok(last(call))) continue;
    if (!row) {
      missing++;
      if (missing <= 3)
        result.failures.push(`Order ${input.number} was acknowledged (${last(call)}) but is not in the database.`);
      continue;
    }
    const units = input.lines.reduce((n, l) => n + l.quantity, 0);
    const answered = JSON.parse(call.responseBody ?? "{}") as { orderId?: string };
    if (row.copies !== 1 || row.lines !== input.lines.length || row.units !== units || answered.orderId !== row.id) {
      wrong++;
      if (wrong <= 3) {
        result.failures.push(
          `Order ${input.number}: ${row.copies} cop(ies), ${row.lines} line(s) and ${row.units} unit(s) in the database for ${input.lines.length} line(s) and ${units} unit(s) sent; answered id ${answered.orderId}, stored ${row.id}.`,
        );
      }
    }
  }
  const shipments = calls.filter((c) => c.kind === "shipment" && ok(last(c)));
  const shipped = await rows<{ external_id: string; copies: number; lines: number }>(
    db,
    sql`select s.external_id, count(distinct s.id)::int as copies, count(sl.order_line_id)::int as lines
        from shipments s left join shipment_lines sl on sl.shipment_id = s.id
        where s.external_id = any(string_to_array(${shipments.map((c) => c.key!).join(",")}, ','))
        group by s.external_id`,
  );
  const shippedBy = new Map(shipped.map((s) => [s.external_id, s]));
  let badShipments = 0;
  for (const call of shipments) {
    const row = shippedBy.get(call.key!);
    if (!row || row.copies !== 1 || row.lines < 1) {
      badShipments++;
      if (badShipments <= 3)
        result.failures.push(
          `Shipment ${call.key} was acknowledged but the database holds ${row ? `${row.copies} cop(ies) with ${row.lines} line(s)` : "none"}.`,
        );
    }
  }
  const [halfDone] = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n from idempotency_keys where status_code = 0`,
  );
  if (halfDone!.n > 0)
    result.failures.push(
      `${halfDone!.n} Idempotency-Key(s) are claimed with no answer recorded (a half-written request).`,
    );
  const unacknowledged = calls.filter((c) => c.key && !ok(last(c)));
  for (const c of unacknowledged.slice(0, 3))
    result.failures.push(
      `${c.kind} ${c.key} never got a 2xx, even retried: ${c.outcomes.join(" → ")}${c.responseBody ? ` (${c.responseBody.slice(0, 200)})` : ""}`,
    );
  result.figures.push(
    `acknowledged: ${orders.filter((c) => ok(last(c))).length} orders (each once, all lines: ${missing + wrong === 0 ? "yes" : "NO"}), ${shipments.length} shipments (each once: ${badShipments === 0 ? "yes" : "NO"})`,
  );
}

// ---------------------------------------------------------------------------------------------
// The drills

const workerKill: Drill = {
  name: "worker-kill",
  title: "kill -9 the worker while it sends",
  async run() {
    const result: DrillResult = { figures: [], failures: [] };
    const { notices, delayMs } = size.workerKill;
    const { dbName, database } = await drillDatabase("worker-kill");
    const standIn = await startResendStandIn({
      apiKey: "re_drill_worker_a",
      otherApiKeys: ["re_drill_worker_b"],
      keepBodies: false,
    });
    try {
      await insertNotices(database.db, notices, "WK");
      standIn.setResponseDelay(delayMs);
      const common = {
        database: dbName,
        resendUrl: standIn.url,
        leaseSeconds: 5,
        loops: 2,
        pollMs: 100,
        batchSize: 100,
        noSchedule: true,
      };
      const [a, b] = await Promise.all([
        startWorker({ ...common, name: "worker-a", resendKey: "re_drill_worker_a" }),
        startWorker({ ...common, name: "worker-b", resendKey: "re_drill_worker_b" }),
      ]);
      const started = Date.now();
      await makeDue(database.db);
      const before = await outboxState(database.db);
      // Kill worker A once a good part has gone and one of A's batches is delivered but unanswered.
      await waitUntil(
        "worker A to have a batch on the wire",
        () =>
          standIn.deliveries.length >= notices / 4 &&
          standIn.requests.some(
            (r) => r.apiKey === "re_drill_worker_a" && r.status === 200 && !r.answered && !r.replay,
          ),
        120_000,
        5,
      );
      const inFlight = standIn.requests
        .filter((r) => r.apiKey === "re_drill_worker_a" && r.status === 200 && !r.answered)
        .map((r) => r.idempotencyKey!);
      await killHard(a);
      const killedAt = Date.now();
      result.figures.push(
        `killed worker A (kill -9) after ${seconds(killedAt - started)} with ${inFlight.length} batch(es) delivered but unacknowledged, ${standIn.deliveries.length} of ${before.waiting} emails out`,
      );
      const a2 = await startWorker({ ...common, name: "worker-a2", resendKey: "re_drill_worker_a" });
      result.figures.push(`restarted worker A in ${seconds(Date.now() - killedAt)}`);
      await outboxDrained(database.db, 300_000);
      const total = Date.now() - started;
      const resent = standIn.requests.filter((r) => r.replay && inFlight.includes(r.idempotencyKey!));
      const resentAt = resent.length ? Math.max(...resent.map((r) => r.at)) - killedAt : null;
      const perTag = standIn.deliveriesByTag();
      const twice = [...perTag.values()].filter((n) => n > 1).length;
      const state = await outboxState(database.db);
      result.figures.push(
        `${perTag.size} of ${before.waiting} due notices reached the stand-in, ${twice} twice; ${standIn.requests.filter((r) => r.replay).length} request(s) answered as replays of a key already used; ${state.retried} notices needed a second attempt (the killed worker's claimed batches, taken over when their lease ran out); all sent in ${seconds(total)} (${Math.round(before.waiting / (total / 1000))}/s)`,
      );
      if (resentAt !== null)
        result.figures.push(
          `the killed worker's batch(es) resent under the same key within ${seconds(resentAt)} of the kill (lease 5 s)`,
        );
      if (inFlight.length === 0)
        result.failures.push(
          "No batch of worker A was on the wire when it was killed: the drill did not test what it should.",
        );
      if (resent.length < inFlight.length)
        result.failures.push(
          `Only ${resent.length} of the ${inFlight.length} batch(es) cut off by the kill were resent under their key.`,
        );
      if (state.failed > 0) result.failures.push(`${state.failed} notification(s) ended failed.`);
      if (perTag.size < before.waiting)
        result.failures.push(`Only ${perTag.size} of ${before.waiting} due notices reached the stand-in.`);
      await Promise.all([stop(b), stop(a2)]);
      processTrouble(result, [b, a2]);
      await invariants(
        database.db,
        { emailDeliveries: emailsOf(standIn), emailsSince: new Date(started - 1000) },
        result,
      );
    } finally {
      await standIn.close();
      await database.close();
      await dropDatabase(dbName);
    }
    return result;
  },
};

const appKill: Drill = {
  name: "app-kill",
  title: "kill -9 the app during ingest load",
  async run(context) {
    const result: DrillResult = { figures: [], failures: [] };
    const { rate, seconds: long } = size.appKill;
    const { dbName, database } = await drillDatabase("app-kill");
    const standIn = await startResendStandIn({ apiKey: "re_drill_app", keepBodies: false });
    const port = ports.app + 1;
    const baseUrl = `http://127.0.0.1:${port}`;
    let app: Proc | null = null;
    try {
      const stockBefore = await takeStockSnapshot(database.db);
      app = await startApp({
        port,
        database: dbName,
        resendUrl: standIn.url,
        resendKey: standIn.apiKey,
        runWorker: false,
      });
      const worker = await startWorker({
        database: dbName,
        resendUrl: standIn.url,
        resendKey: standIn.apiKey,
        leaseSeconds: 5,
        pollMs: 200,
        noSchedule: true,
      });
      const started = Date.now();
      let killedAt = 0;
      let upAgainAt = 0;
      let restarting: Promise<void> | null = null;
      const killAfter = long * 1000 * 0.35;
      const calls = await openLoop(
        baseUrl,
        context.apiKey,
        rate,
        long,
        ingestCalls(context, `AK${tag}`, rate),
        (elapsed) => {
          if (!restarting && elapsed >= killAfter) {
            restarting = (async () => {
              await killHard(app!);
              killedAt = Date.now();
              app = await startApp({
                port,
                database: dbName,
                resendUrl: standIn.url,
                resendKey: standIn.apiKey,
                runWorker: false,
              });
              upAgainAt = Date.now();
            })();
          }
        },
      );
      await restarting;
      const firstTry = statusCounts(calls, false);
      const failedFirst = calls.filter((c) => !ok(c.outcomes[0])).length;
      const inFlightAtKill = calls.filter((c) => typeof c.outcomes[0] === "string" && c.at[0]! < killedAt).length;
      result.figures.push(
        `${calls.length} requests at ${rate}/s for ${long} s; app killed (kill -9) at ${seconds(killedAt - started)}, answering again ${seconds(upAgainAt - killedAt)} later (a fresh start)`,
      );
      result.figures.push(
        `first answers: ${describeCounts(firstTry)}; ${inFlightAtKill} cut off in flight by the kill`,
      );
      const retried = await retryFailed(baseUrl, context.apiKey, calls);
      const replays = calls.filter((c) => c.outcomes.length > 1 && c.replayed).length;
      result.figures.push(
        `${failedFirst} request(s) without a 2xx retried with the same Idempotency-Key (${retried} retries); ${replays} answered as replays (they had committed before the kill)`,
      );
      await checkIngested(database.db, calls, result);
      const fiveHundreds = calls.filter((c) =>
        c.outcomes.some((o) => typeof o === "number" && o >= 500 && o !== 503),
      ).length;
      if (fiveHundreds > 0) result.failures.push(`${fiveHundreds} request(s) were answered with a 5xx other than 503.`);
      await outboxDrained(database.db, 120_000);
      await stop(worker);
      processTrouble(result, [app, worker]);
      await invariants(
        database.db,
        { stockBefore, emailDeliveries: emailsOf(standIn), emailsSince: new Date(started - 1000) },
        result,
      );
    } finally {
      if (app) await stop(app);
      await standIn.close();
      await database.close();
      await dropDatabase(dbName);
    }
    return result;
  },
};

const postgresRestart: Drill = {
  name: "postgres-restart",
  title: "restart PostgreSQL under load",
  async run(context) {
    const result: DrillResult = { figures: [], failures: [] };
    const { rate, seconds: long, downSeconds } = size.pgRestart;
    const made = Date.now();
    const server = await startPrivatePostgres(ports.privatePostgres);
    const dbName = "drill_pg_restart";
    const dump = path.join(tmpdir(), `drill-template-${tag}.dump`);
    const standIn = await startResendStandIn({ apiKey: "re_drill_pg", keepBodies: false });
    const port = ports.app + 2;
    const baseUrl = `http://127.0.0.1:${port}`;
    let database: ReturnType<typeof openPostgres> | null = null;
    const procs: Proc[] = [];
    try {
      // The seeded template, copied onto the private server.
      const main = new URL(serverUrl);
      const pgDump = spawnSync(
        path.join(server.bin, "pg_dump"),
        [
          "-h",
          main.hostname,
          "-p",
          main.port || "5432",
          "-U",
          main.username || "postgres",
          "-Fc",
          "-f",
          dump,
          template,
        ],
        { encoding: "utf8" },
      );
      if (pgDump.status !== 0) throw new Error(`pg_dump failed: ${pgDump.stderr}`);
      const create = spawnSync(
        path.join(server.bin, "createdb"),
        ["-h", "127.0.0.1", "-p", String(ports.privatePostgres), "-U", "postgres", dbName],
        { encoding: "utf8" },
      );
      if (create.status !== 0) throw new Error(`createdb failed: ${create.stderr}`);
      const restore = spawnSync(
        path.join(server.bin, "pg_restore"),
        ["-h", "127.0.0.1", "-p", String(ports.privatePostgres), "-U", "postgres", "--no-owner", "-d", dbName, dump],
        { encoding: "utf8" },
      );
      if (restore.status !== 0) throw new Error(`pg_restore failed: ${restore.stderr}`);
      result.figures.push(
        `private PostgreSQL on port ${ports.privatePostgres} (initdb, start, template restored) in ${seconds(Date.now() - made)}`,
      );
      database = openPostgres(databaseUrl(dbName, server.url), { max: 2 });
      const stockBefore = await takeStockSnapshot(database.db);
      await database.close();
      database = null;

      const app = await startApp({
        port,
        database: dbName,
        server: server.url,
        resendUrl: standIn.url,
        resendKey: standIn.apiKey,
        runWorker: false,
      });
      const worker = await startWorker({
        database: dbName,
        server: server.url,
        resendUrl: standIn.url,
        resendKey: standIn.apiKey,
        leaseSeconds: 5,
        pollMs: 200,
      });
      procs.push(app, worker);
      const appPid = app.pid;
      const ingest = ingestCalls(context, `PR${tag}`, rate * 0.3);
      let ingested = 0;
      const samples = context.sampleOrders;
      const make = (i: number): Call => {
        const pick = samples[i % samples.length]!;
        if (i % 10 < 4)
          return {
            i,
            kind: "lookup",
            method: "GET",
            path: `/api/v1/orders/${encodeURIComponent(pick.number)}`,
            outcomes: [],
            at: [],
          };
        if (i % 10 < 7)
          return { i, kind: "page", method: "GET", path: `/o/${viewToken(pick.id)}`, outcomes: [], at: [] };
        return ingest(ingested++);
      };
      let downAt = 0;
      let upAt = 0;
      let outage: Promise<void> | null = null;
      const started = Date.now();
      const calls = await openLoop(baseUrl, context.apiKey, rate, long, make, (elapsed) => {
        if (!outage && elapsed >= long * 1000 * 0.3) {
          outage = (async () => {
            downAt = Date.now();
            await server.stop();
            await sleep(downSeconds * 1000);
            await server.start();
            upAt = Date.now();
          })();
        }
      });
      await outage;
      const answers = (from: number, to: number) => calls.filter((c) => c.at[0]! >= from && c.at[0]! < to);
      const during = answers(downAt, upAt);
      const unavailable = calls.filter((c) => c.outcomes[0] === 503);
      const apiSentence = unavailable.find(
        (c) =>
          c.kind !== "page" &&
          /"code":"unavailable"/.test(c.responseBody ?? "") &&
          /cannot be reached/.test(c.responseBody ?? ""),
      );
      const pageSentence = unavailable.find((c) => c.kind === "page" && /Back in a moment/.test(c.responseBody ?? ""));
      const serverErrors = calls.filter(
        (c) => typeof c.outcomes[0] === "number" && (c.outcomes[0] as number) >= 500 && c.outcomes[0] !== 503,
      );
      const networkErrors = calls.filter((c) => typeof c.outcomes[0] === "string");
      const firstOkAfter = calls
        .filter((c) => c.at[0]! >= upAt && ok(c.outcomes[0]))
        .sort((a, b) => a.at[0]! - b.at[0]!)[0];
      const first503 = unavailable.sort((a, b) => a.at[0]! - b.at[0]!)[0];
      const last503 = unavailable.sort((a, b) => b.at[0]! - a.at[0]!)[0];
      result.figures.push(
        `${calls.length} requests at ${rate}/s for ${long} s (lookups, signed view pages, ingest); PostgreSQL stopped (pg_ctl stop -m fast) at ${seconds(downAt - started)} for ${seconds(upAt - downAt)}`,
      );
      result.figures.push(
        `answers: ${describeCounts(statusCounts(calls, false))}; during the outage: ${describeCounts(statusCounts(during, false))}`,
      );
      result.figures.push(
        `503s with the sentence: ${unavailable.length} (first ${first503 ? seconds(first503.at[0]! - downAt) : "-"} after the stop, last ${last503 ? seconds(last503.at[0]! - upAt) : "-"} after the start); first 2xx ${firstOkAfter ? seconds(firstOkAfter.at[0]! - upAt) : "never"} after PostgreSQL was back`,
      );
      if (!apiSentence)
        result.failures.push("No API request was answered 503 with the JSON sentence while PostgreSQL was down.");
      if (!pageSentence)
        result.failures.push('No page was answered 503 with the "Back in a moment" page while PostgreSQL was down.');
      if (serverErrors.length > 0) {
        result.failures.push(
          `${serverErrors.length} request(s) answered ${describeCounts(statusCounts(serverErrors, false))} (a 5xx other than 503), e.g. ${serverErrors[0]!.kind} sent ${seconds(serverErrors[0]!.at[0]! - downAt)} after the stop: ${serverErrors[0]!.responseBody?.slice(0, 120)}`,
        );
      }
      if (networkErrors.length > 0) {
        const when = (c: Call) => `${c.kind} sent ${seconds(c.at[0]! - downAt)} after the stop`;
        result.failures.push(
          `${networkErrors.length} request(s) got no HTTP answer at all: ${describeCounts(statusCounts(networkErrors, false))}; ${describeCounts(countBy(networkErrors, (c) => c.kind))}; first: ${when(networkErrors[0]!)}, last: ${when(networkErrors.at(-1)!)}`,
        );
      }
      if (!firstOkAfter) result.failures.push("The app never answered 2xx again after PostgreSQL came back.");
      if (!app.alive() || app.pid !== appPid)
        result.failures.push("The app process did not survive the restart of PostgreSQL.");
      if (!worker.alive()) result.failures.push("The worker process did not survive the restart of PostgreSQL.");
      else result.figures.push(`app (pid ${appPid}) and worker kept running throughout, no restart`);
      const retried = await retryFailed(
        baseUrl,
        context.apiKey,
        calls.filter((c) => c.key),
      );
      result.figures.push(`${retried} ingest request(s) retried with the same Idempotency-Key after the outage`);
      database = openPostgres(databaseUrl(dbName, server.url), { max: 2 });
      await checkIngested(
        database.db,
        calls.filter((c) => c.key),
        result,
      );
      await outboxDrained(database.db, 120_000);
      await stop(worker);
      await stop(app);
      processTrouble(result, procs);
      await invariants(
        database.db,
        { stockBefore, emailDeliveries: emailsOf(standIn), emailsSince: new Date(started - 1000) },
        result,
      );
    } finally {
      for (const proc of procs) await stop(proc);
      await database?.close();
      await standIn.close();
      server.destroy();
      rmSync(dump, { force: true });
    }
    return result;
  },
};

/** A door in front of the stand-in: passes requests through, or answers 500 as Resend does while `down`. */
async function outageProxy(target: string, port: number) {
  const state = { down: false, refused: [] as { at: number; key: string | null }[], passed: 0 };
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    if (state.down) {
      state.refused.push({ at: Date.now(), key: (req.headers["idempotency-key"] as string | undefined) ?? null });
      req.resume();
      const body = JSON.stringify({
        statusCode: 500,
        name: "internal_server_error",
        message: "An unexpected error occurred.",
      });
      res.writeHead(500, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    state.passed++;
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const resendOutage: Drill = {
  name: "resend-outage",
  title: "the email provider answers 500, then recovers",
  async run() {
    const result: DrillResult = { figures: [], failures: [] };
    const { notices, outageSeconds } = size.resendOutage;
    const { dbName, database } = await drillDatabase("resend-outage");
    const standIn = await startResendStandIn({ apiKey: "re_drill_outage", keepBodies: false });
    const proxy = await outageProxy(standIn.url, ports.proxy);
    try {
      await insertNotices(database.db, notices, "RO");
      const common = {
        database: dbName,
        resendUrl: proxy.url,
        resendKey: standIn.apiKey,
        leaseSeconds: 10,
        loops: 2,
        pollMs: 200,
        noSchedule: true,
      };
      const workers = await Promise.all([
        startWorker({ ...common, name: "worker-1" }),
        startWorker({ ...common, name: "worker-2" }),
      ]);
      proxy.state.down = true;
      const started = Date.now();
      await makeDue(database.db);
      const due = (await outboxState(database.db)).waiting;
      if (small) result.figures.push(`small size: a ${outageSeconds} s outage (the full drill holds it for 60 s)`);
      await sleep(outageSeconds * 1000);
      proxy.state.down = false;
      const recoveredAt = Date.now();
      const duringOutage = await outboxState(database.db);
      const refused = proxy.state.refused.length;
      result.figures.push(
        `${due} notices made due; the provider answered 500 for ${seconds(recoveredAt - started)} (${refused} batch request(s) refused); meanwhile ${standIn.deliveries.length} delivered, ${duringOutage.failed} given up, ${duringOutage.sending} waiting in their batches for a retry`,
      );
      await outboxDrained(database.db, 600_000);
      const drainedAt = Date.now();
      const perTag = standIn.deliveriesByTag();
      const twice = [...perTag.values()].filter((n) => n > 1).length;
      // Each batch retried under its first key: the gaps between its refused attempts are the back-off.
      const attemptsByKey = new Map<string, number[]>();
      for (const r of proxy.state.refused)
        if (r.key) attemptsByKey.set(r.key, [...(attemptsByKey.get(r.key) ?? []), r.at]);
      for (const r of standIn.requests)
        if (r.idempotencyKey && attemptsByKey.has(r.idempotencyKey)) attemptsByKey.get(r.idempotencyKey)!.push(r.at);
      const gaps = [...attemptsByKey.values()].flatMap((times) =>
        times
          .sort((a, b) => a - b)
          .slice(1)
          .map((t, i) => (t - times[i]!) / 1000),
      );
      const [batches] = await rows<{ moved: number; most: number; batches: number }>(
        database.db,
        sql`select count(*) filter (where n.attempts > 1)::int as moved, max(n.attempts)::int as most, count(distinct n.batch_id)::int as batches
            from notifications n where n.sent_at >= ${new Date(started - 1000).toISOString()}::timestamptz`,
      );
      const keyMismatch = await keysMatchBatches(database.db, standIn);
      const state = await outboxState(database.db);
      result.figures.push(
        `after recovery all ${perTag.size} delivered in ${seconds(drainedAt - recoveredAt)} (${seconds(drainedAt - started)} in all), ${twice} twice; ${batches!.moved} notices needed more than one attempt (at most ${batches!.most}), in ${batches!.batches} batches`,
      );
      if (gaps.length > 0)
        result.figures.push(
          `back-off between attempts of a batch: ${Math.min(...gaps).toFixed(0)}–${Math.max(...gaps).toFixed(0)} s`,
        );
      if (refused === 0)
        result.failures.push("No request was refused during the outage: the drill did not test what it should.");
      if (state.failed > 0) result.failures.push(`${state.failed} notification(s) were given up as failed.`);
      if (perTag.size < due) result.failures.push(`Only ${perTag.size} of ${due} notices reached the stand-in.`);
      if (keyMismatch > 0)
        result.failures.push(
          `${keyMismatch} notice(s) were delivered under another key than their batch's: they lost their place.`,
        );
      await Promise.all(workers.map((w) => stop(w)));
      processTrouble(result, workers);
      await invariants(
        database.db,
        { emailDeliveries: emailsOf(standIn), emailsSince: new Date(started - 1000) },
        result,
      );
    } finally {
      await proxy.close();
      await standIn.close();
      await database.close();
      await dropDatabase(dbName);
    }
    return result;
  },
};

/** Notices whose delivery's Idempotency-Key is not the batch the outbox says they went in. */
async function keysMatchBatches(db: Db, standIn: Awaited<ReturnType<typeof startResendStandIn>>) {
  const batchOf = new Map(
    (
      await rows<{ id: string; batch_id: string | null }>(
        db,
        sql`select id::text, batch_id::text from notifications where status = 'sent'`,
      )
    ).map((r) => [r.id, r.batch_id]),
  );
  let mismatched = 0;
  for (const d of standIn.deliveries) {
    const id = d.email.tags?.find((t) => t.name === "notification_id")?.value;
    if (id && batchOf.has(id) && batchOf.get(id) !== d.idempotencyKey) mismatched++;
  }
  return mismatched;
}

const webhookHang: Drill = {
  name: "webhook-hang",
  title: "a webhook receiver that hangs",
  async run(context) {
    const result: DrillResult = { figures: [], failures: [] };
    const { orders, hangSeconds } = size.webhookHang;
    const { dbName, database } = await drillDatabase("webhook-hang");
    const standIn = await startResendStandIn({ apiKey: "re_drill_hooks", keepBodies: false });
    const receiver = await startWebhookReceiver();
    const port = ports.app + 3;
    const baseUrl = `http://127.0.0.1:${port}`;
    const procs: Proc[] = [];
    try {
      const [merchant] = await rows<{ id: string }>(
        database.db,
        sql`select id from merchants where slug = ${context.merchant}`,
      );
      await saveWebhookEndpoint(database.db, {
        merchantId: merchant!.id,
        url: receiver.url,
        actor: systemActor("drill"),
        now: new Date(),
      });
      receiver.setFallback({ hang: true });
      const stockBefore = await takeStockSnapshot(database.db);
      const app = await startApp({
        port,
        database: dbName,
        resendUrl: standIn.url,
        resendKey: standIn.apiKey,
        runWorker: false,
      });
      const worker = await startWorker({
        database: dbName,
        resendUrl: standIn.url,
        resendKey: standIn.apiKey,
        leaseSeconds: 10,
        pollMs: 200,
        noSchedule: true,
      });
      procs.push(app, worker);
      const started = Date.now();
      // Orders of backordered SKUs, then the shop cancels each: one order_line.cancelled per line.
      const waiting = context.skus.filter((s) => s.free <= 0);
      const calls: Call[] = [];
      for (let i = 0; i < orders; i++) {
        const sku = waiting[i % waiting.length]!.code;
        const number = `WH${tag}-${i}`;
        const order: Call = {
          i,
          kind: "order",
          method: "POST",
          path: "/api/v1/orders",
          key: `wh-order-${i}`,
          body: JSON.stringify({ number, email: `hook${i}@shopper.example`, lines: [{ sku, quantity: 1 }] }),
          outcomes: [],
          at: [],
        };
        await send(baseUrl, order, context.apiKey);
        const cancel: Call = {
          i,
          kind: "cancel",
          method: "POST",
          path: `/api/v1/orders/${encodeURIComponent(number)}/cancel`,
          key: `wh-cancel-${i}`,
          body: JSON.stringify({ reason: "drill" }),
          outcomes: [],
          at: [],
        };
        await send(baseUrl, cancel, context.apiKey);
        calls.push(order, cancel);
      }
      const refused = calls.filter((c) => !ok(last(c)));
      if (refused.length > 0)
        result.failures.push(
          `${refused.length} order/cancel request(s) failed: ${refused[0]!.outcomes.join(",")} ${refused[0]!.responseBody?.slice(0, 200)}`,
        );
      const [{ hooks } = { hooks: 0 }] = await rows<{ hooks: number }>(
        database.db,
        sql`select count(*)::int as hooks from webhook_deliveries`,
      );
      result.figures.push(
        `${orders} orders made and cancelled through the API in ${seconds(Date.now() - started)}: ${hooks} webhook deliveries due to an endpoint that hangs`,
      );

      // Emails go on while the endpoint hangs.
      const emailsDone = await waitUntil(
        "the cancellation emails while the endpoint hangs",
        async () => (await outboxState(database.db)).waiting + (await outboxState(database.db)).sending === 0,
        Math.max(5_000, hangSeconds * 1000 - (Date.now() - started)),
        200,
      ).catch(() => null);
      if (emailsDone === null)
        result.failures.push("Emails did not go out while the webhook endpoint hung: they were blocked.");
      else
        result.figures.push(
          `all emails (${standIn.deliveries.length}) sent while the endpoint still hung, ${seconds(Date.now() - started)} in`,
        );
      const left = hangSeconds * 1000 - (Date.now() - started);
      if (left > 0) await sleep(left);
      receiver.setFallback({ status: 200 });
      const recoveredAt = Date.now();
      const hung = receiver.received.filter((r) => r.answeredWith === "hang").length;
      result.figures.push(
        `the endpoint hung for ${seconds(recoveredAt - started)}: ${hung} request(s) left unanswered (timed out by the worker after 15 s each)`,
      );

      // Retries that the schedule put far out (5 min after a second failure) are made due now:
      // the clock is driven, the worker still does the sending.
      let pulled = 0;
      let furthest = 0;
      await waitUntil(
        "every webhook delivered",
        async () => {
          const moved = await rows<{ ahead: number }>(
            database.db,
            sql`update webhook_deliveries d set next_attempt_at = now()
                from (select id, extract(epoch from next_attempt_at - now())::int as ahead from webhook_deliveries
                      where status = 'pending' and next_attempt_at > now() + interval '20 seconds') x
                where d.id = x.id returning x.ahead`,
          );
          pulled += moved.length;
          for (const m of moved) furthest = Math.max(furthest, Number(m.ahead));
          const [open] = await rows<{ n: number }>(
            database.db,
            sql`select count(*)::int as n from webhook_deliveries where status <> 'delivered'`,
          );
          return open!.n === 0;
        },
        300_000,
        1000,
      );
      const deliveredAt = Date.now();
      if (pulled > 0)
        result.figures.push(
          `${pulled} retr(ies) scheduled up to ${furthest} s out were made due at once (clock driven; the worker sent them)`,
        );
      const deliveries = await rows<{ id: string; attempts: number; last_error: string | null }>(
        database.db,
        sql`select id, attempts, last_error from webhook_deliveries`,
      );
      const receivedIds = new Map<string, (number | "hang")[]>();
      for (const r of receiver.received)
        receivedIds.set(r.headers["webhook-id"] ?? "", [
          ...(receivedIds.get(r.headers["webhook-id"] ?? "") ?? []),
          r.answeredWith,
        ]);
      const retriedDeliveries = deliveries.filter((d) => d.attempts > 1);
      const sameId = retriedDeliveries.filter(
        (d) => (receivedIds.get(d.id) ?? []).includes("hang") && (receivedIds.get(d.id) ?? []).includes(200),
      );
      result.figures.push(
        `all ${deliveries.length} delivered ${seconds(deliveredAt - recoveredAt)} after the endpoint recovered; ${retriedDeliveries.length} needed retries (at most ${Math.max(0, ...deliveries.map((d) => d.attempts))} attempts), ${sameId.length} of them seen hanging and then answered under the same webhook-id`,
      );
      if (hung === 0) result.failures.push("No webhook request hung: the drill did not test what it should.");
      if (sameId.length < retriedDeliveries.filter((d) => (receivedIds.get(d.id) ?? []).includes("hang")).length) {
        result.failures.push("A delivery that hung was not delivered again under the same webhook-id.");
      }
      await outboxDrained(database.db, 60_000);
      await stop(worker);
      await stop(app);
      processTrouble(result, procs);
      await invariants(
        database.db,
        {
          stockBefore,
          emailDeliveries: emailsOf(standIn),
          emailsSince: new Date(started - 1000),
          webhookReceipts: receiver.received.map((r) => ({
            webhookId: r.headers["webhook-id"] ?? null,
            answeredWith: r.answeredWith,
          })),
        },
        result,
      );
    } finally {
      for (const proc of procs) await stop(proc);
      await receiver.close();
      await standIn.close();
      await database.close();
      await dropDatabase(dbName);
    }
    return result;
  },
};

// ---------------------------------------------------------------------------------------------

const drills = [workerKill, appKill, postgresRestart, resendOutage, webhookHang];
const chosen = flags.only ? drills.filter((d) => d.name === flags.only) : drills;
if (chosen.length === 0) {
  console.error(`No drill named ${flags.only}; the drills are: ${drills.map((d) => d.name).join(", ")}.`);
  process.exit(2);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void cleanUp().finally(() => process.exit(130));
  });
}

const runStarted = Date.now();
let failed = 0;
const summary: string[] = [];
try {
  const build = ensureBuild();
  console.log(
    build.built
      ? `Built the app in ${seconds(build.ms)}.`
      : `Using the existing build in ${process.env.NEXT_DIST_DIR || ".next-drill"}.`,
  );
  console.log(`Fault drills, ${flags.size} size, on ${new URL(serverUrl).host}.\n`);
  const context = await prepareTemplate();
  for (const drill of chosen) {
    console.log(`\n▶ ${drill.name}: ${drill.title}`);
    const started = Date.now();
    let result: DrillResult;
    try {
      result = await drill.run(context);
    } catch (error) {
      result = {
        figures: [],
        failures: [
          `the drill itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ],
      };
      await cleanUpProcesses();
    }
    for (const line of result.figures) console.log(`  ${line}`);
    for (const line of result.failures) console.log(`  ✗ ${line}`);
    const took = seconds(Date.now() - started);
    if (result.failures.length > 0) {
      failed++;
      console.log(`✗ ${drill.name} failed (${took})`);
      summary.push(`✗ ${drill.name} (${took})`);
    } else {
      console.log(`✓ ${drill.name} passed, invariants green (${took})`);
      summary.push(`✓ ${drill.name} (${took})`);
    }
  }
} finally {
  await cleanUp();
}
console.log(
  `\n${summary.join("\n")}\n${failed === 0 ? "✓ all drills passed" : `✗ ${failed} drill(s) failed`} in ${seconds(Date.now() - runStarted)}.`,
);
process.exit(failed === 0 ? 0 : 1);

async function cleanUpProcesses() {
  const { stopAll } = await import("./drill/harness");
  await stopAll();
}
