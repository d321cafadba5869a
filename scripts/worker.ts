// npm run worker — the notification worker as its own process, on PostgreSQL. Several may run at
// once (on one machine or many): they share the outbox through SKIP LOCKED claims and leases, so
// none sends what another has claimed. Flags: --loops N (dispatch loops in this process, default 2),
// --batch-size N (at most 100), --lease-seconds N, --poll-ms N, --no-schedule (leave the pg-boss
// schedules to other workers).
import { parseArgs } from "node:util";
import { EnvError } from "../lib/env";
import { runScript } from "./run-script";

// React renders several times faster in production mode; it reads NODE_ENV when first loaded.
(process.env as Record<string, string | undefined>).NODE_ENV ??= "production";

const { values: flags } = parseArgs({
  options: {
    loops: { type: "string", default: "2" },
    "batch-size": { type: "string", default: "100" },
    "lease-seconds": { type: "string", default: "60" },
    "poll-ms": { type: "string", default: "1000" },
    "no-schedule": { type: "boolean", default: false },
  },
});

function positive(name: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new EnvError(`--${name} must be a whole number from 1 to ${max}.`);
  return n;
}

await runScript(async () => {
  const { env } = await import("../lib/env");
  const settings = env();
  if (!settings.DATABASE_URL) {
    throw new EnvError(
      "npm run worker needs DATABASE_URL: with the embedded database the worker runs inside the app (RUN_WORKER=true), since only one process may open a PGlite folder.",
    );
  }
  const loops = positive("loops", flags.loops, 32);
  const batchSize = positive("batch-size", flags["batch-size"], 100);
  const leaseSeconds = positive("lease-seconds", flags["lease-seconds"], 3600);
  const pollMs = positive("poll-ms", flags["poll-ms"], 60_000);

  const { openPostgres } = await import("../lib/db/client");
  const { transport } = await import("../lib/email/send");
  const { startBackgroundWork } = await import("../lib/jobs/worker");
  const { warmUpRendering } = await import("../lib/notifications/previews");
  await warmUpRendering();
  const database = openPostgres(settings.DATABASE_URL, { max: loops + 2 });
  let sent = 0;
  let failed = 0;
  const worker = await startBackgroundWork({
    database,
    transport: transport(database.db),
    loops,
    batchSize,
    leaseSeconds,
    pollMs,
    schedule: !flags["no-schedule"],
    log: (message) => console.error(`[worker ${process.pid}] ${message}`),
    onBatch: (result) => {
      sent += result.sent;
      failed += result.failed;
    },
  });
  console.log(`[worker ${process.pid}] ready: ${loops} dispatch loop(s), mail through ${settings.mailTransport}`);
  const report = setInterval(() => {
    if (sent + failed === 0) return;
    console.log(`[worker ${process.pid}] sent ${sent}, failed ${failed} in the last minute`);
    sent = 0;
    failed = 0;
  }, 60_000);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(report);
    console.log(`[worker ${process.pid}] stopping after the batches in flight…`);
    await worker.stop();
    await database.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());
});
