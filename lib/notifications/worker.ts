import PgBoss from "pg-boss";
import type { Database } from "../db/client";
import type { Transport } from "../email/types";
import { refreshOverdueEtas } from "../eta/sweep";
import { describeError, loopGroup } from "../jobs/loops";
import { expireOverdueConsent, noticeMissedPromises } from "./consent";
import { defaultLeaseSeconds, dispatchBatch, maxBatchSize, type DispatchResult } from "./dispatch";

// The notification worker. Three kinds of work:
//
// - The outbox, drained by `loops` dispatch loops per process. The outbox table is itself the
//   queue (rows written set-based in the domain's transaction, claimed with SKIP LOCKED, leased
//   per batch), so sending needs no second queue; a loop polls it every `pollMs` when idle.
// - Time-driven jobs, on pg-boss: the consent-deadline sweep (every minute), and every 15 minutes
//   the re-dating of windows the calendar overtook on quiet SKUs (lib/eta/sweep.ts) followed by
//   the scan for promises that passed with nothing moving. pg-boss keeps the schedule in
//   PostgreSQL, runs each tick once however many workers are up, survives restarts, and retries a
//   failed run with back-off.
//
// Its peer, the integration loops (lib/integrations/worker.ts), is started beside it by
// lib/jobs/worker.ts.
//
// With PGlite the worker runs inside the app (one process per folder) and pg-boss talks to the
// app's own PGlite through its `db.executeSql` adapter; with PostgreSQL it uses its own small pool.

export type WorkerOptions = {
  database: Database;
  /** PostgreSQL: the address for pg-boss's own connections (defaults to DATABASE_URL's). */
  connectionString?: string;
  transport: Transport;
  loops?: number;
  pollMs?: number;
  leaseSeconds?: number;
  batchSize?: number;
  /** Run the pg-boss schedules (consent deadlines; overdue windows and missed promises). */
  schedule?: boolean;
  log?: (message: string) => void;
  onBatch?: (result: DispatchResult) => void;
};

export type WorkerHandle = { stop(): Promise<void>; boss: PgBoss | null };

export const consentExpireQueue = "delay-consent-expire";
export const missedPromiseQueue = "delay-consent-scan";

type PgliteClient = {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  exec(text: string): Promise<{ rows: unknown[] }[]>;
};

/**
 * pg-boss over the app's PGlite. Statements without parameters may be several (pg-boss's
 * migrations and locked blocks), which only `exec` accepts; PGlite serializes them with the app's
 * own queries and transactions, so they never interleave.
 */
export function pgliteBossDb(client: PgliteClient): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      if (values.length > 0) return { rows: (await client.query(text, values)).rows };
      const results = await client.exec(text);
      return { rows: results.at(-1)?.rows ?? [] };
    },
  };
}

function bossFor(options: WorkerOptions): PgBoss {
  const common = { schema: "pgboss", schedule: true, supervise: true, migrate: true } as const;
  if (options.database.kind === "pglite") {
    const client = (options.database.db as unknown as { $client: PgliteClient }).$client;
    return new PgBoss({ ...common, db: pgliteBossDb(client) });
  }
  const connectionString = options.connectionString ?? process.env.DATABASE_URL;
  if (!connectionString) throw new Error("The worker on PostgreSQL needs the database address for pg-boss.");
  return new PgBoss({ ...common, connectionString, max: 3, application_name: "backorder-worker" });
}

/** Starts the dispatch loops and (unless `schedule` is false) the pg-boss schedules. */
export async function startWorker(options: WorkerOptions): Promise<WorkerHandle> {
  const log = options.log ?? ((message: string) => console.error(`[worker] ${message}`));
  const db = options.database.db;
  const pollMs = options.pollMs ?? 1000;
  let pausedUntil = 0;

  let boss: PgBoss | null = null;
  if (options.schedule ?? true) {
    boss = bossFor(options);
    boss.on("error", (error) => log(`pg-boss: ${error instanceof Error ? error.message : String(error)}`));
    await boss.start();
    const queueOptions = { retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 300 };
    await boss.createQueue(consentExpireQueue, { name: consentExpireQueue, ...queueOptions });
    await boss.createQueue(missedPromiseQueue, { name: missedPromiseQueue, ...queueOptions });
    await boss.schedule(consentExpireQueue, "* * * * *");
    await boss.schedule(missedPromiseQueue, "*/15 * * * *");
    await boss.work(consentExpireQueue, { pollingIntervalSeconds: 10 }, async () => {
      const cancelled = await expireOverdueConsent(db, { now: new Date() });
      if (cancelled > 0) log(`cancelled ${cancelled} line(s) whose delay-consent deadline passed`);
    });
    await boss.work(missedPromiseQueue, { pollingIntervalSeconds: 10 }, async () => {
      // Windows first: a late PO's end that passed moves a week on (its own email) before the scan
      // looks for promises that passed with nothing moving.
      const swept = await refreshOverdueEtas(db, { now: new Date() });
      if (swept.etaChanges > 0) log(`re-dated ${swept.etaChanges} line(s) on ${swept.skus} SKU(s) whose date passed`);
      await noticeMissedPromises(db, { now: new Date() });
    });
    // Catch up at once after time with no worker up, instead of at the next tick. Several workers
    // starting together queue one run each; the jobs are idempotent.
    await boss.send(consentExpireQueue, {}, { singletonKey: "startup", singletonSeconds: 60 });
    await boss.send(missedPromiseQueue, {}, { singletonKey: "startup", singletonSeconds: 60 });
  }

  const loops = loopGroup();
  const dispatchLoop = async (group: typeof loops) => {
    while (!group.stopped) {
      const wait = pausedUntil - Date.now();
      if (wait > 0) {
        await group.sleep(wait);
        continue;
      }
      try {
        const result = await dispatchBatch(db, {
          transport: options.transport,
          leaseSeconds: options.leaseSeconds ?? defaultLeaseSeconds,
          batchSize: options.batchSize ?? maxBatchSize,
          log,
        });
        options.onBatch?.(result);
        // The provider asked every sender to slow down, not just this loop.
        if (result.pauseSeconds) pausedUntil = Math.max(pausedUntil, Date.now() + result.pauseSeconds * 1000);
        else if (result.batchId === null) await group.sleep(pollMs);
      } catch (error) {
        // The batch (if one was claimed) stays leased and is picked up again when the lease ends.
        log(`dispatch failed: ${describeError(error)}`);
        await group.sleep(Math.max(pollMs, 5000));
      }
    }
  };
  for (let i = 0; i < Math.max(1, options.loops ?? 1); i++) loops.spawn(dispatchLoop);

  return {
    boss,
    async stop() {
      await loops.stop();
      await boss?.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
