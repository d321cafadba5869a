import type { Db } from "../db/client";
import { processShopifyInbox } from "./shopify/inbox";
import {
  claimDueDeliveries,
  defaultTimeoutMs,
  leaseFor,
  sendClaimedDelivery,
  type DeliveryOptions,
} from "./webhooks/deliver";

// The integration loops, started by the notification worker beside its own (lib/notifications/
// worker.ts), in the app with PGlite and in `npm run worker` with PostgreSQL:
//
// - Shopify: applies stored webhooks as they fall due (the table is the queue, see
//   shopify/inbox.ts). One loop per process: each webhook is a short transaction.
// - Outgoing webhooks: up to `concurrency` requests in flight per process, at most one per
//   endpoint, each with its own timeout. The loop claims more as soon as a slot frees, so a
//   receiver that hangs costs one slot for the timeout, not the loop.

export type IntegrationOptions = {
  db: Db;
  pollMs?: number;
  log: (message: string) => void;
  /** Requests to merchants' endpoints in flight at once in this process. */
  concurrency?: number;
  delivery?: Omit<DeliveryOptions, "now">;
  shopifyRetrySchedule?: readonly number[];
};

export type IntegrationLoops = { stop(): Promise<void> };

export function startIntegrationLoops(options: IntegrationOptions): IntegrationLoops {
  const { db, log } = options;
  const pollMs = options.pollMs ?? 1000;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const timeoutMs = options.delivery?.timeoutMs ?? defaultTimeoutMs;
  let stopped = false;
  const sleepers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });
  const wakeAll = () => {
    for (const wake of [...sleepers]) wake();
  };
  const describe = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error));

  const shopifyLoop = async () => {
    while (!stopped) {
      try {
        const result = await processShopifyInbox(db, { limit: 25, log, retrySchedule: options.shopifyRetrySchedule });
        if (result.processed + result.failed + result.retrying === 0) await sleep(pollMs);
      } catch (error) {
        log(`Shopify processing failed: ${describe(error)}`);
        await sleep(Math.max(pollMs, 5000));
      }
    }
  };

  const inFlight = new Set<Promise<void>>();
  const busyEndpoints = new Set<string>();
  const deliveryLoop = async () => {
    while (!stopped) {
      const free = concurrency - inFlight.size;
      let claimed: Awaited<ReturnType<typeof claimDueDeliveries>> = [];
      if (free > 0) {
        try {
          claimed = await claimDueDeliveries(db, {
            now: new Date(),
            limit: free,
            leaseSeconds: leaseFor(timeoutMs),
            busyEndpoints: [...busyEndpoints],
          });
        } catch (error) {
          log(`Claiming webhook deliveries failed: ${describe(error)}`);
          await sleep(Math.max(pollMs, 5000));
          continue;
        }
      }
      for (const delivery of claimed) {
        busyEndpoints.add(delivery.endpointId);
        const sending: Promise<void> = sendClaimedDelivery(db, delivery, options.delivery)
          .then(() => undefined)
          // A delivery whose outcome could not be recorded stays claimed and is sent again when
          // its lease ends: the receiver de-duplicates by webhook-id.
          .catch((error: unknown) => log(`Webhook delivery ${delivery.id} failed: ${describe(error)}`))
          .finally(() => {
            inFlight.delete(sending);
            busyEndpoints.delete(delivery.endpointId);
            wakeAll();
          });
        inFlight.add(sending);
      }
      if (claimed.length === 0 || inFlight.size >= concurrency) await sleep(pollMs);
    }
    await Promise.all([...inFlight]);
  };

  const loops = [shopifyLoop(), deliveryLoop()];
  return {
    async stop() {
      stopped = true;
      wakeAll();
      await Promise.all(loops);
    },
  };
}
