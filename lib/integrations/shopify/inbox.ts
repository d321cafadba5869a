import { sql } from "drizzle-orm";
import type { Actor } from "../../audit/actor";
import { rows, type DbOrTx, type Tx } from "../../db/client";
import { savepoint, transaction } from "../../db/transaction";
import { isDomainError } from "../../errors";
import { syncShopifyProduct } from "./catalog";
import { exportShopperData, markUninstalled, redactShop, redactShopper } from "./compliance";
import { WaitingFor } from "./errors";
import { applyShopifyFulfillment } from "./fulfillments";
import { applyShopifyInventoryLevel } from "./inventory";
import { parseJsonKeepingLargeIntegers } from "./json";
import { applyShopifyCancel, applyShopifyOrder } from "./orders";
import {
  describeIssues,
  isShopifyTopic,
  shopifyTopics,
  type ShopifyCustomerRedact,
  type ShopifyDataRequest,
  type ShopifyFulfillment,
  type ShopifyInventoryLevel,
  type ShopifyOrder,
  type ShopifyProduct,
} from "./payloads";

// Applying stored Shopify webhooks. The shopify_webhooks table is the queue: a worker takes the
// oldest due row with FOR UPDATE SKIP LOCKED (so workers never take the same one) and applies it
// in the same transaction that marks it processed, so a crash leaves it pending, never half done
// or done twice. A webhook waiting on another (WaitingFor) or hitting an unexpected error is
// retried on a back-off; a domain refusal (a conflict no retry can fix) fails at once.

/** Seconds before each retry: about ten hours in all, longer than Shopify's own retries. */
export const shopifyRetrySchedule = [10, 60, 300, 1800, 7200, 28_800] as const;

export type InboxOptions = {
  now?: Date;
  limit?: number;
  retrySchedule?: readonly number[];
  log?: (message: string) => void;
};
export type InboxResult = { processed: number; failed: number; retrying: number };

type Due = { merchant_id: string; webhook_id: string; topic: string; payload: string; attempts: number };

/** Applies one parsed webhook; returns what it did, in words. */
export async function applyShopifyWebhook(
  tx: Tx,
  params: { merchantId: string; webhookId: string; topic: string; payload: unknown; now: Date },
): Promise<string> {
  const { merchantId, topic, now } = params;
  if (!isShopifyTopic(topic)) throw new Error(`Topic ${topic} is not handled.`);
  const parsed = shopifyTopics[topic].safeParse(params.payload);
  if (!parsed.success) throw new PayloadError(describeIssues(parsed.error));
  const actor: Actor = { type: "shopify", id: params.webhookId };
  // The uninstall and the compliance topics are recorded against the webhook that asked for them.
  const compliance = { merchantId, webhookId: params.webhookId, now };
  switch (topic) {
    case "orders/create":
    case "orders/updated":
      return applyShopifyOrder(tx, { merchantId, order: parsed.data as ShopifyOrder, actor, now });
    case "orders/cancelled":
      return applyShopifyCancel(tx, { merchantId, order: parsed.data as ShopifyOrder, actor, now });
    case "fulfillments/create":
    case "fulfillments/update":
      return applyShopifyFulfillment(tx, { merchantId, fulfillment: parsed.data as ShopifyFulfillment, actor, now });
    case "inventory_levels/update":
      return applyShopifyInventoryLevel(tx, { merchantId, level: parsed.data as ShopifyInventoryLevel, actor, now });
    case "products/create":
    case "products/update":
      return syncShopifyProduct(tx, { merchantId, product: parsed.data as ShopifyProduct, actor, now });
    case "app/uninstalled":
      // Applied when it arrived (receive.ts); here it only says so.
      await markUninstalled(tx, compliance);
      return "The shop uninstalled the app: no more calls to Shopify; its data is erased in 48 hours.";
    case "customers/data_request":
      return exportShopperData(tx, { ...compliance, request: parsed.data as ShopifyDataRequest });
    case "customers/redact":
      return redactShopper(tx, { ...compliance, request: parsed.data as ShopifyCustomerRedact });
    case "shop/redact":
      return redactShop(tx, compliance);
  }
}

class PayloadError extends Error {}

/** Takes and applies the oldest due webhook; false when none is due. */
export async function processNextShopifyWebhook(
  db: DbOrTx,
  options: InboxOptions = {},
): Promise<"processed" | "failed" | "retrying" | null> {
  const now = options.now ?? new Date();
  const schedule = options.retrySchedule ?? shopifyRetrySchedule;
  return transaction(db, async (tx) => {
    const [due] = await rows<Due>(
      tx,
      sql`select merchant_id, webhook_id, topic, payload::text as payload, attempts from shopify_webhooks
          where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
          order by next_attempt_at, received_at
          limit 1 for update skip locked`,
    );
    if (!due) return null;
    const attempts = Number(due.attempts) + 1;
    const key = sql`merchant_id = ${due.merchant_id}::uuid and webhook_id = ${due.webhook_id}`;
    try {
      // A savepoint: a refusal rolls back the change, and the row still records why.
      const outcome = await savepoint(tx, (inner) =>
        applyShopifyWebhook(inner, {
          merchantId: due.merchant_id,
          webhookId: due.webhook_id,
          topic: due.topic,
          payload: parseJsonKeepingLargeIntegers(due.payload),
          now,
        }),
      );
      await tx.execute(sql`
        update shopify_webhooks set status = 'processed', attempts = ${attempts}, processed_at = ${now.toISOString()}::timestamptz,
               next_attempt_at = null, outcome = ${outcome.slice(0, 2000)}, error = null
        where ${key}`);
      return "processed";
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const permanent = isDomainError(error) || error instanceof PayloadError;
      const delay = schedule[attempts - 1];
      if (!permanent && !(error instanceof WaitingFor)) {
        options.log?.(
          `Shopify webhook ${due.webhook_id} (${due.topic}) failed, attempt ${attempts}: ${error instanceof Error ? (error.stack ?? message) : message}`,
        );
      }
      if (permanent || delay === undefined) {
        await tx.execute(sql`
          update shopify_webhooks set status = 'failed', attempts = ${attempts}, processed_at = ${now.toISOString()}::timestamptz,
                 next_attempt_at = null, error = ${(delay === undefined && !permanent ? `Gave up after ${attempts} attempts: ${message}` : message).slice(0, 2000)}
          where ${key}`);
        return "failed";
      }
      await tx.execute(sql`
        update shopify_webhooks set attempts = ${attempts}, error = ${message.slice(0, 2000)},
               next_attempt_at = ${new Date(now.getTime() + delay * 1000).toISOString()}::timestamptz
        where ${key}`);
      return "retrying";
    }
  });
}

/** Applies up to `limit` due webhooks, one transaction each. */
export async function processShopifyInbox(db: DbOrTx, options: InboxOptions = {}): Promise<InboxResult> {
  const result: InboxResult = { processed: 0, failed: 0, retrying: 0 };
  for (let i = 0; i < (options.limit ?? 25); i++) {
    const outcome = await processNextShopifyWebhook(db, options);
    if (!outcome) break;
    result[outcome]++;
  }
  return result;
}
