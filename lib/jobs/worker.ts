import { startIntegrationLoops, type IntegrationOptions } from "../integrations/worker";
import { startWorker, type WorkerOptions } from "../notifications/worker";

// The background work of one process, two peers started side by side: the notification worker
// (the outbox's dispatch loops and the pg-boss schedules) and the integration loops (Shopify's
// inbox, outgoing webhooks). Runs inside the app with PGlite (instrumentation.ts) and as
// `npm run worker` with PostgreSQL; both stop together.

export type BackgroundOptions = WorkerOptions & {
  /** Shopify processing and outgoing webhooks; false leaves them to other processes. */
  integrations?: false | Omit<IntegrationOptions, "db" | "log">;
};

export type BackgroundWork = { stop(): Promise<void> };

export async function startBackgroundWork(options: BackgroundOptions): Promise<BackgroundWork> {
  const log = options.log ?? ((message: string) => console.error(`[worker] ${message}`));
  const notifications = await startWorker({ ...options, log });
  const integrations =
    options.integrations === false
      ? null
      : startIntegrationLoops({ pollMs: options.pollMs, ...options.integrations, db: options.database.db, log });
  return {
    async stop() {
      await Promise.all([notifications.stop(), integrations?.stop()]);
    },
  };
}

const holder = globalThis as unknown as { __backgroundWork?: Promise<BackgroundWork> };

/**
 * The background work inside the app process (instrumentation.ts), on the app's own database
 * client and configured mail transport; started once per process however often it is asked.
 */
export function startAppWorker(): Promise<BackgroundWork> {
  holder.__backgroundWork ??= (async () => {
    const { database } = await import("../db/client");
    const { transport } = await import("../email/send");
    // No signal handlers here: Next owns the process's shutdown, and a batch cut short by it is
    // resent under the same key when its lease runs out.
    return startBackgroundWork({ database: database(), transport: transport(), loops: 1 });
  })();
  return holder.__backgroundWork;
}
