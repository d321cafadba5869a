import type { Db } from "../db/client";
import { describeError, loopGroup } from "../jobs/loops";
import { shopifyAppConfigured } from "./shopify/app";
import { redactDueShops } from "./shopify/compliance";
import { processShopifyInbox } from "./shopify/inbox";
import { runShopifySync } from "./shopify/sync";
import { sendWritebacks } from "./shopify/writeback";
import {
  claimDueDeliveries,
  defaultTimeoutMs,
  leaseFor,
  sendClaimedDelivery,
  type DeliveryOptions,
} from "./webhooks/deliver";

// The integration loops, started beside the notification worker's (lib/jobs/worker.ts), in the app
// with PGlite and in `npm run worker` with PostgreSQL:
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
  const loops = loopGroup();

  loops.spawn(async (group) => {
    while (!group.stopped) {
      try {
        const result = await processShopifyInbox(db, { limit: 25, log, retrySchedule: options.shopifyRetrySchedule });
        if (result.processed + result.failed + result.retrying === 0) await group.sleep(pollMs);
      } catch (error) {
        log(`Shopify processing failed: ${describeError(error)}`);
        await group.sleep(Math.max(pollMs, 5000));
      }
    }
  });

  // The Shopify app: webhook subscriptions and catalogue backfills after installs, ETAs written back
  // to orders, and shops erased 48 hours after their uninstall. Quiet unless the app is configured.
  if (shopifyAppConfigured()) {
    loops.spawn(async (group) => {
      while (!group.stopped) {
        try {
          const now = new Date();
          const work =
            (await runShopifySync(db, { now, log })) +
            (await sendWritebacks(db, { now })) +
            (await redactDueShops(db, now));
          if (work === 0) await group.sleep(pollMs);
        } catch (error) {
          log(`Shopify app work failed: ${describeError(error)}`);
          await group.sleep(Math.max(pollMs, 5000));
        }
      }
    });
  }

  const inFlight = new Set<Promise<void>>();
  const busyEndpoints = new Set<string>();
  loops.spawn(async (group) => {
    while (!group.stopped) {
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
          log(`Claiming webhook deliveries failed: ${describeError(error)}`);
          await group.sleep(Math.max(pollMs, 5000));
          continue;
        }
      }
      for (const delivery of claimed) {
        busyEndpoints.add(delivery.endpointId);
        const sending: Promise<void> = sendClaimedDelivery(db, delivery, options.delivery)
          .then(() => undefined)
          // A delivery whose outcome could not be recorded stays claimed and is sent again when
          // its lease ends: the receiver de-duplicates by webhook-id.
          .catch((error: unknown) => log(`Webhook delivery ${delivery.id} failed: ${describeError(error)}`))
          .finally(() => {
            inFlight.delete(sending);
            busyEndpoints.delete(delivery.endpointId);
            group.wake();
          });
        inFlight.add(sending);
      }
      if (claimed.length === 0 || inFlight.size >= concurrency) await group.sleep(pollMs);
    }
    await Promise.all([...inFlight]);
  });

  return { stop: () => loops.stop() };
}
