import { sql } from "drizzle-orm";
import { rows, type DbOrTx } from "../../db/client";
import type { ChangeSubscriber, RecordedChange } from "../../events/types";
import { adminGraphql, ShopifyUnavailable, userErrorsText, type AdminOptions } from "./admin";

// ETAs written back to the Shopify order: the `backorder.eta` metafield (JSON: each line's ship
// and delivery windows and the reason of its last change) and the `backorder-rolling` tag once a
// line has been pushed later twice. Written to an outbox in the ETA change's transaction, in one
// statement however many orders a PO slip re-dates, then sent by the worker with back-off.
// metafieldsSet replaces the one metafield, so a retry writes the same thing again, never a second.

export const rollingTag = "backorder-rolling";

/** Seconds before each retry of a write Shopify did not take (after the client's own quick retries). */
export const writebackRetrySchedule = [10, 60, 300, 1800, 7200, 28_800] as const;

const pgUuids = (ids: readonly string[]) => `{${[...new Set(ids)].join(",")}}`;

/** Queues the write for these orders: Shopify orders of installed shops only, and only new content. */
export async function queueWritebacks(tx: DbOrTx, orderIds: readonly string[], now: Date): Promise<number> {
  if (orderIds.length === 0) return 0;
  const queued = await rows<{ id: string }>(
    tx,
    sql`with content as (
          select o.id as order_id, o.merchant_id, o.external_id,
                 jsonb_build_object(
                   'metafield', jsonb_build_object('lines', jsonb_agg(jsonb_build_object(
                     'sku', l.sku_code, 'status', l.status, 'quantity', l.quantity,
                     'shipStart', l.ship_start, 'shipEnd', l.ship_end,
                     'deliveryStart', l.delivery_start, 'deliveryEnd', l.delivery_end,
                     'reason', (select e.reason from eta_events e
                                where e.merchant_id = l.merchant_id and e.order_line_id = l.id
                                order by e.at desc, e.id desc limit 1)) order by l.id)),
                   'tags', case when bool_or(l.eta_pushes >= 2) then jsonb_build_array(${rollingTag}::text) else '[]'::jsonb end
                 ) as content
          from orders o
          join shopify_connections c on c.merchant_id = o.merchant_id and c.uninstalled_at is null
          join order_lines l on l.merchant_id = o.merchant_id and l.order_id = o.id
          where o.id = any(${pgUuids(orderIds)}::uuid[]) and o.external_id ~ '^[0-9]+$'
          group by o.id, o.merchant_id, o.external_id
        )
        insert into shopify_writebacks (merchant_id, order_id, shopify_order_id, content, content_hash, next_attempt_at, created_at)
        select x.merchant_id, x.order_id, x.external_id, x.content, md5(x.content::text),
               ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
        from content x
        where md5(x.content::text) is distinct from (
          select w.content_hash from shopify_writebacks w
          where w.order_id = x.order_id and w.status in ('pending', 'done')
          order by (w.status = 'pending') desc, w.created_at desc limit 1)
        on conflict (order_id) where status = 'pending'
        do update set content = excluded.content, content_hash = excluded.content_hash
        returning id`,
  );
  return queued.length;
}

/** The outbox's write-back subscriber: every ETA change queues its order's write. */
export const writebackSubscriber: ChangeSubscriber = {
  name: "shopify-writeback",
  eventTypes: [],
  etaChanges: true,
  async write(tx, change: RecordedChange) {
    await queueWritebacks(
      tx,
      change.etaChanges.map((c) => c.orderId),
      change.now,
    );
  },
};

const withTags = `mutation OrderEtaWrite($id: ID!, $metafields: [MetafieldsSetInput!]!, $tags: [String!]!) {
  metafieldsSet(metafields: $metafields) { metafields { id } userErrors { field message } }
  tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } }
}`;
const withoutTags = `mutation OrderEtaMetafield($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) { metafields { id } userErrors { field message } }
}`;

type Claimed = {
  id: string;
  merchant_id: string;
  shopify_order_id: string;
  content: { metafield: unknown; tags: string[] };
  content_hash: string;
  attempts: number;
};

const leaseSeconds = 120;

/** Sends the oldest due write-back; null when none is due. */
export async function sendNextWriteback(
  db: DbOrTx,
  options: AdminOptions & { now?: Date; retrySchedule?: readonly number[] } = {},
): Promise<"done" | "retrying" | "failed" | "cancelled" | null> {
  const now = options.now ?? new Date();
  const schedule = options.retrySchedule ?? writebackRetrySchedule;
  // A lease, not a lock held over the call: a worker that dies frees the row when it ends.
  const [claimed] = await rows<Claimed>(
    db,
    sql`update shopify_writebacks set next_attempt_at = ${new Date(now.getTime() + leaseSeconds * 1000).toISOString()}::timestamptz,
               attempts = attempts + 1
        where id = (select id from shopify_writebacks
                    where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
                    order by next_attempt_at limit 1 for update skip locked)
        returning id, merchant_id, shopify_order_id, content, content_hash, attempts`,
  );
  if (!claimed) return null;
  const ownerId = `gid://shopify/Order/${claimed.shopify_order_id}`;
  const metafields = [
    { ownerId, namespace: "backorder", key: "eta", type: "json", value: JSON.stringify(claimed.content.metafield) },
  ];
  const tags = claimed.content.tags;
  // Done only if the content is still what was sent: a change meanwhile is sent next.
  const settle = (status: string, error: string | null, next: Date | null) =>
    db.execute(sql`
      update shopify_writebacks set status = ${status}, last_error = ${error},
             next_attempt_at = coalesce(${next?.toISOString() ?? null}::timestamptz, next_attempt_at),
             done_at = ${status === "done" ? now.toISOString() : null}::timestamptz
      where id = ${claimed.id}::uuid and (${status} <> 'done' or content_hash = ${claimed.content_hash})`);
  try {
    const data = await adminGraphql<{
      metafieldsSet: { userErrors: { field?: string[]; message: string }[] };
      tagsAdd?: { userErrors: { field?: string[]; message: string }[] };
    }>(
      db,
      claimed.merchant_id,
      tags.length > 0 ? withTags : withoutTags,
      tags.length > 0 ? { id: ownerId, metafields, tags } : { metafields },
      options,
    );
    const problem = userErrorsText([...data.metafieldsSet.userErrors, ...(data.tagsAdd?.userErrors ?? [])]);
    if (problem) {
      await settle("failed", `Shopify refused the write: ${problem}`, null);
      return "failed";
    }
    await settle("done", null, null);
    await db.execute(sql`
      update shopify_writebacks set next_attempt_at = ${now.toISOString()}::timestamptz
      where id = ${claimed.id}::uuid and status = 'pending'`);
    return "done";
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    if (error instanceof ShopifyUnavailable) {
      await settle("cancelled", message, null);
      return "cancelled";
    }
    const delay = schedule[Number(claimed.attempts) - 1];
    if (delay === undefined) {
      await settle("failed", `Gave up after ${claimed.attempts} attempts: ${message}`, null);
      return "failed";
    }
    await settle("pending", message, new Date(now.getTime() + delay * 1000));
    return "retrying";
  }
}

/** Sends up to `limit` due write-backs. */
export async function sendWritebacks(
  db: DbOrTx,
  options: AdminOptions & { now?: Date; retrySchedule?: readonly number[]; limit?: number } = {},
): Promise<number> {
  let sent = 0;
  for (let i = 0; i < (options.limit ?? 25); i++) {
    if (!(await sendNextWriteback(db, options))) break;
    sent++;
  }
  return sent;
}
