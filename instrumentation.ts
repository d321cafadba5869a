// Next's start-up hook: with RUN_WORKER=true (the default) the notification worker runs inside the
// app process. With the embedded PGlite database that is the only place it can run (one process
// per folder); with PostgreSQL, `npm run worker` processes may run beside it or instead of it.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { env } = await import("./lib/env");
  if (!env().RUN_WORKER) return;
  const { startAppWorker } = await import("./lib/jobs/worker");
  // Not awaited: pg-boss's first start (its schema) must not hold up the first request.
  startAppWorker().catch((error: unknown) => {
    console.error("The notification worker could not start:", error);
  });
}
