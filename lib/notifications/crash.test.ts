import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { sql } from "drizzle-orm";
import { rows } from "../db/client";
import { onPostgres, useFreshDatabase, type TestDatabase } from "../../testing/db";
import { createMerchant } from "../../testing/fixtures";
import { mailingThroughStandIn, startResendStandIn, type ResendStandIn } from "../../testing/resend-standin";

// Crash safety on PostgreSQL, with real processes: two `npm run worker` processes share 1,000 due
// notifications; one is killed with SIGKILL while a batch it sent is delivered but not yet
// acknowledged, then started again. Every notification must reach the stand-in exactly once: the
// killed worker's batch is resent by whoever takes it over, under the same Idempotency-Key, and
// the stand-in (like Resend) answers that with the first delivery instead of a second.

let database: TestDatabase;
let standIn: ResendStandIn;
const children: ChildProcess[] = [];

const keyA = "re_worker_a";
const keyB = "re_worker_b";

function startWorker(apiKey: string): ChildProcess {
  const env = mailingThroughStandIn({ databaseUrl: database.url!, resendKey: apiKey, resendUrl: standIn.url });
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "scripts/worker.ts",
      "--loops",
      "2",
      "--batch-size",
      "50",
      "--lease-seconds",
      "3",
      "--poll-ms",
      "100",
      "--no-schedule",
    ],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let errors = "";
  child.stderr!.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  child.on("exit", (code, signal) => {
    if (code && code !== 0 && signal === null) process.stderr.write(`worker exited with ${code}: ${errors}\n`);
  });
  children.push(child);
  return child;
}

async function waitFor(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  if (!onPostgres) return;
  database = await useFreshDatabase();
  // Resend answers after a moment, so a batch is often delivered and not yet acknowledged.
  standIn = await startResendStandIn({ apiKey: keyA, otherApiKeys: [keyB], keepBodies: false });
  standIn.setResponseDelay(150);
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await standIn?.close();
  await database?.close();
});

describe("crash safety", () => {
  it.runIf(onPostgres)(
    "two workers over 1,000 due notifications, one killed mid-batch and restarted: every notification delivered exactly once",
    async () => {
      const { db } = database;
      const merchant = await createMerchant(db, { name: "Crash Test Outfitters" });
      await db.execute(sql`
        insert into orders (merchant_id, number, email, currency, placed_at)
        select ${merchant.id}, '#' || g, 'shopper' || g || '@example.com', 'USD', now() from generate_series(1, 1000) g`);
      await db.execute(sql`
        insert into notifications (merchant_id, order_id, email, kind, payload, due_at)
        select o.merchant_id, o.id, o.email, 'shipped',
               jsonb_build_object('shipmentId', null, 'carrier', 'UPS', 'trackingNumber', '1Z' || o.number, 'trackingUrl', null,
                                  'shippedAt', '2026-11-26T12:00:00.000Z',
                                  'lines', jsonb_build_array(jsonb_build_object('lineId', 1, 'title', 'Trail Jacket', 'units', 1)),
                                  'stillWaiting', '[]'::jsonb),
               now() - interval '1 minute'
        from orders o where o.merchant_id = ${merchant.id}`);

      const a = startWorker(keyA);
      startWorker(keyB);
      // Kill A the moment one of its batches has been delivered but not yet answered.
      await waitFor("a batch of worker A in flight", () =>
        standIn.requests.some((r) => r.apiKey === keyA && r.status === 200 && !r.answered && !r.replay),
      );
      a.kill("SIGKILL");
      const inFlight = standIn.requests.find((r) => r.apiKey === keyA && r.status === 200 && !r.answered && !r.replay)!;
      startWorker(keyA);

      await waitFor(
        "every notification sent",
        async () =>
          (
            await rows<{ left: number }>(
              db,
              sql`select count(*)::int as left from notifications where status <> 'sent'`,
            )
          )[0]!.left === 0,
      );

      const perNotification = standIn.deliveriesByTag();
      expect(perNotification.size).toBe(1000);
      expect([...perNotification.values()].every((count) => count === 1)).toBe(true);
      expect(standIn.deliveries).toHaveLength(1000);
      // The killed worker's batch was sent again under its key and answered as a replay.
      expect(standIn.requests.some((r) => r.replay && r.idempotencyKey === inFlight.idempotencyKey)).toBe(true);
      // Both workers took part, and nothing was given up.
      expect(new Set(standIn.requests.filter((r) => r.status === 200).map((r) => r.apiKey))).toEqual(
        new Set([keyA, keyB]),
      );
      const [summary] = await rows<{ batches: number; failed: number }>(
        db,
        sql`select count(distinct batch_id)::int as batches, count(*) filter (where status = 'failed')::int as failed from notifications`,
      );
      expect(summary).toMatchObject({ failed: 0 });
      expect(Number(summary!.batches)).toBeGreaterThanOrEqual(20);
    },
    180_000,
  );
});
