// npm run bench:notify — how fast the notification worker empties the outbox into Resend's API,
// on PostgreSQL: 10,000 due "shipped" notices (real templates, real rendering, batches of 100 over
// HTTP) sent to the local stand-in for Resend by one and by four `npm run worker` processes.
// Beside it, the baseline: the stand-in's own rate when the same batches, already rendered, are
// posted to it with no database and no rendering.
//
// Needs PostgreSQL (BENCH_DATABASE_URL or DATABASE_URL, default postgres://postgres@127.0.0.1:5432).
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { rows, type Db } from "../lib/db/client";
import { resendTransport } from "../lib/email/transports";
import type { OutgoingEmail } from "../lib/email/types";
import { mailingThroughStandIn, startResendStandIn, type ResendStandIn } from "../testing/resend-standin";
import { databaseUrl, freshBenchDatabase, report, table } from "./lib";

(process.env as Record<string, string | undefined>).NODE_ENV ??= "production";
process.env.AUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-0";
process.env.APP_URL ??= "http://localhost:3000";

const total = 10_000;
/** Dispatch loops per worker process (npm run worker's default is 2). */
const loops = process.env.BENCH_LOOPS ?? "2";
const dbName = "backorder_bench_notify";

async function load(db: Db) {
  await db.execute(sql`insert into merchants (slug, name, support_email, timezone, brand_color)
                       values ('bench', 'Northwind Outfitters', 'help@northwind.example', 'America/New_York', '#0f766e')`);
  await db.execute(sql`
    insert into orders (merchant_id, number, email, customer_name, currency, placed_at)
    select m.id, '#' || (100000 + g), 'shopper' || g || '@example.com', 'Shopper ' || g, 'USD', now() - interval '3 days'
    from merchants m, generate_series(1, ${total}) g`);
  // Not due yet: the clock starts when every worker is up and they all become due at once.
  await db.execute(sql`
    insert into notifications (merchant_id, order_id, email, kind, payload, due_at)
    select o.merchant_id, o.id, o.email, 'shipped',
           jsonb_build_object('shipmentId', null, 'carrier', 'UPS', 'trackingNumber', '1Z999AA1' || o.number,
                              'trackingUrl', 'https://www.ups.com/track?tracknum=1Z999AA1' || substr(o.number, 2),
                              'shippedAt', '2026-11-26T21:00:00.000Z',
                              'lines', jsonb_build_array(jsonb_build_object('lineId', 1, 'title', 'Wool Socks', 'units', 2)),
                              'stillWaiting', jsonb_build_array(jsonb_build_object('title', 'Trail Jacket — Green / M', 'shipStart', '2026-12-11', 'shipEnd', '2026-12-15'))),
           now() + interval '1 day'
    from orders o`);
  await db.execute(sql`analyze`);
}

function startWorkerProcess(standIn: ResendStandIn): Promise<ChildProcess> {
  const env = mailingThroughStandIn({
    databaseUrl: databaseUrl(dbName),
    resendKey: standIn.apiKey,
    resendUrl: standIn.url,
  });
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "scripts/worker.ts", "--loops", loops, "--poll-ms", "50", "--no-schedule"],
    {
      env,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve(child);
    });
    child.on("exit", (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
  });
}

async function untilDelivered(standIn: ResendStandIn, count: number, timeoutMs = 600_000) {
  const until = Date.now() + timeoutMs;
  while (standIn.deliveries.length < count) {
    if (Date.now() > until) throw new Error(`only ${standIn.deliveries.length} of ${count} delivered`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function runWorkers(workers: number) {
  const database = await freshBenchDatabase(dbName);
  const standIn = await startResendStandIn({ keepBodies: false });
  const children: ChildProcess[] = [];
  try {
    await load(database.db);
    for (let i = 0; i < workers; i++) children.push(await startWorkerProcess(standIn));
    const started = performance.now();
    await database.db.execute(sql`update notifications set due_at = now() - interval '1 second'`);
    await untilDelivered(standIn, total);
    const ms = performance.now() - started;
    const perNotification = standIn.deliveriesByTag();
    const [state] = await rows<{ sent: number }>(
      database.db,
      sql`select count(*) filter (where status = 'sent')::int as sent from notifications`,
    );
    const batchSizes = standIn.requests.filter((r) => r.status === 200 && !r.replay).map((r) => r.emails);
    return {
      workers,
      ms,
      perSecond: total / (ms / 1000),
      requests: standIn.requests.length,
      refused: standIn.requests.filter((r) => r.status !== 200).map((r) => r.status),
      replays: standIn.requests.filter((r) => r.replay).length,
      maxBatch: Math.max(...batchSizes),
      duplicates: [...perNotification.values()].filter((n) => n > 1).length,
      markedSent: Number(state!.sent),
    };
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(
      children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once("exit", resolve)))),
    );
    await standIn.close();
    await database.close();
  }
}

/** The stand-in alone: the same 100-email batches, rendered once, posted by `clients` senders. */
async function baseline(clients: number, seconds = 8) {
  const standIn = await startResendStandIn({ keepBodies: false });
  try {
    // Loaded only now, after NODE_ENV is set, so React is in production mode as in the workers.
    const { renderNotification } = await import("../lib/notifications/render");
    const sample = await renderNotification(
      {
        id: randomUUID(),
        kind: "shipped",
        email: "shopper1@example.com",
        payload: {
          shipmentId: null,
          carrier: "UPS",
          trackingNumber: "1Z999AA1#100001",
          trackingUrl: "https://www.ups.com/track?tracknum=1Z999AA1100001",
          shippedAt: "2026-11-26T21:00:00.000Z",
          lines: [{ lineId: 1, title: "Wool Socks", units: 2 }],
          stillWaiting: [{ title: "Trail Jacket — Green / M", shipStart: "2026-12-11", shipEnd: "2026-12-15" }],
        },
        orderId: randomUUID(),
        createdAt: new Date(),
        orderNumber: "#100001",
        customerName: "Shopper 1",
        merchant: {
          name: "Northwind Outfitters",
          brandColor: "#0f766e",
          logoUrl: null,
          supportEmail: "help@northwind.example",
          timezone: "America/New_York",
        },
      },
      { appUrl: "http://localhost:3000", mailFrom: "Backorder updates <updates@backorder.example>" },
    );
    const batch: OutgoingEmail[] = Array.from({ length: 100 }, (_, i) => ({
      ...sample,
      to: `shopper${i}@example.com`,
    }));
    const transport = resendTransport({ apiKey: standIn.apiKey, baseUrl: standIn.url });
    const until = performance.now() + seconds * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < until) await transport.sendBatch(batch, randomUUID());
      }),
    );
    return standIn.deliveries.length / ((performance.now() - started) / 1000);
  } finally {
    await standIn.close();
  }
}

const results = [];
for (const workers of [1, 4]) {
  console.log(`${workers} worker process(es) over ${total.toLocaleString("en-US")} due notices…`);
  results.push(await runWorkers(workers));
}
console.log("baseline: the stand-in alone…");
const base1 = await baseline(1);
const base4 = await baseline(4);

report(
  `${table(
    [
      `workers (${loops} loop${loops === "1" ? "" : "s"} each)`,
      "time",
      "emails/s",
      "requests",
      "refused / replayed",
      "largest batch",
      "sent twice",
      "marked sent",
    ],
    results.map((r) => [
      r.workers,
      `${(r.ms / 1000).toFixed(2)} s`,
      Math.round(r.perSecond),
      r.requests,
      `${r.refused.length ? r.refused.join(",") : "0"} / ${r.replays}`,
      r.maxBatch,
      r.duplicates,
      r.markedSent,
    ]),
  )}`,
);
report(
  `\nBaseline, the stand-in alone (pre-rendered batches of 100, no database): ${Math.round(base1)} emails/s with 1 sender, ${Math.round(base4)} emails/s with 4.`,
);
report(
  "Target: at least 500 emails/s with four workers. Timings depend on the machine and its load; this never fails.",
);
process.exit(0);
