import { randomUUID } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import { rows, type DbOrTx } from "../db/client";
import { merchants } from "../db/schema/merchants";
import { notifications, type NotificationKind } from "../db/schema/notifications";
import { orders } from "../db/schema/orders";
import { instant } from "../db/sql-helpers";
import { transaction } from "../db/transaction";
import { finalizeGathered } from "./eta-emails";
import { gatherQueued, gatheringQueued } from "./outbox";
import type { OutgoingEmail, SendFailure, Transport } from "../email/types";
import { env } from "../env";
import { nextAttempt } from "./policy";
import { renderNotification, type NotificationToRender } from "./render";

// Sending the outbox. A worker claims up to 100 due notifications as one batch (FOR UPDATE SKIP
// LOCKED, so workers never claim the same row), records the batch's id and composition on the
// rows, and only then sends: the batch id is the provider's Idempotency-Key. A worker that dies
// mid-send leaves its batch leased; when the lease runs out any worker sends the same rows again
// under the same key, and the provider answers with the first delivery instead of a second one.
// Retries after 5xx and 429 work the same way: the lease is simply set to the next attempt.

/** Resend's batch endpoint takes at most 100 emails. */
export const maxBatchSize = 100;
/** How long a claimed batch is a worker's own; longer than a send can take (its timeout is 20 s). */
export const defaultLeaseSeconds = 60;

export type DispatchOptions = {
  transport: Transport;
  now?: Date;
  batchSize?: number;
  leaseSeconds?: number;
  appUrl?: string;
  mailFrom?: string;
  /** For back-off jitter; tests pass a constant. */
  random?: () => number;
  /** Where unexpected trouble is reported (a render that throws). */
  log?: (message: string) => void;
};

export type DispatchResult = {
  batchId: string | null;
  /** Notifications in the batch when it was sent (after gathered ETA emails were decided). */
  claimed: number;
  sent: number;
  failed: number;
  /** Left leased for a later attempt. */
  retrying: number;
  /** Gathered ETA emails that turned out to say nothing worth sending. */
  skipped: number;
  /** The provider asked to slow down: wait this long before the next batch. */
  pauseSeconds?: number;
};

const empty = (batchId: string | null): DispatchResult => ({
  batchId,
  claimed: 0,
  sent: 0,
  failed: 0,
  retrying: 0,
  skipped: 0,
});

/**
 * Claims a batch: first one whose lease ran out (a crashed worker's, or one due for a retry),
 * whole and unchanged; otherwise up to `limit` due pending notifications, as a new batch.
 */
export async function claimBatch(
  db: DbOrTx,
  params: { now: Date; limit: number; leaseSeconds: number },
): Promise<{ batchId: string; resumed: boolean } | null> {
  const now = instant(params.now);
  const lease = instant(new Date(params.now.getTime() + params.leaseSeconds * 1000));
  return transaction(db, async (tx) => {
    // A batch spans many rows, so two workers must not each lock part of it: the batch is taken
    // under an advisory lock on its id, and its rows only if their lease has still run out.
    const [stale] = await rows<{ batch_id: string }>(
      tx,
      sql`select b.batch_id from (
            select distinct batch_id from notifications
            where status = 'sending' and lease_until <= ${now} limit 20) b
          where pg_try_advisory_xact_lock(hashtextextended('notification-batch:' || b.batch_id::text, 0))
          limit 1`,
    );
    if (stale) {
      const resumed = await rows(
        tx,
        sql`update notifications set lease_until = ${lease}, attempts = attempts + 1, updated_at = ${now}
            where batch_id = ${stale.batch_id} and status = 'sending' and lease_until <= ${now} returning id`,
      );
      if (resumed.length > 0) return { batchId: stale.batch_id, resumed: true };
    }
    const batchId = randomUUID();
    const claimed = await rows(
      tx,
      sql`with picked as (
            select id from notifications
            where status = 'pending' and due_at <= ${now}
              -- An ETA email waits while ETA changes are queued (outbox.ts): one of them may be
              -- about a line it holds, and must join it rather than start a second email.
              and (kind <> 'eta_moved' or not ${gatheringQueued})
            order by due_at
            limit ${params.limit}
            for update skip locked)
          update notifications n
          set status = 'sending', batch_id = ${batchId}, lease_until = ${lease}, attempts = n.attempts + 1, updated_at = ${now}
          from picked where n.id = picked.id
          returning n.id`,
    );
    return claimed.length > 0 ? { batchId, resumed: false } : null;
  });
}

/** The emails the shop turned off (merchants.emails_off) are not sent: marked skipped, as decided. */
async function skipTurnedOff(db: DbOrTx, batchId: string, now: Date): Promise<number> {
  const off = await rows<{ id: string }>(
    db,
    sql`update notifications n set status = 'skipped', lease_until = null, updated_at = ${instant(now)}
        from merchants m
        where n.batch_id = ${batchId} and n.status = 'sending' and m.id = n.merchant_id and n.kind = any(m.emails_off)
        returning n.id`,
  );
  return off.length;
}

async function loadBatch(db: DbOrTx, batchId: string) {
  const found = await db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      email: notifications.email,
      payload: notifications.payload,
      orderId: notifications.orderId,
      createdAt: notifications.createdAt,
      attempts: notifications.attempts,
      orderNumber: orders.number,
      customerName: orders.customerName,
      merchantName: merchants.name,
      brandColor: merchants.brandColor,
      logoUrl: merchants.logoUrl,
      supportEmail: merchants.supportEmail,
      timezone: merchants.timezone,
      senderName: merchants.emailSenderName,
      replyTo: merchants.emailReplyTo,
    })
    .from(notifications)
    .innerJoin(orders, eq(orders.id, notifications.orderId))
    .innerJoin(merchants, eq(merchants.id, notifications.merchantId))
    .where(and(eq(notifications.batchId, batchId), eq(notifications.status, "sending")))
    .orderBy(asc(notifications.id));
  return found.map((r) => ({
    attempts: r.attempts,
    notification: {
      id: r.id,
      kind: r.kind as NotificationKind,
      email: r.email,
      payload: r.payload,
      orderId: r.orderId,
      createdAt: r.createdAt,
      orderNumber: r.orderNumber,
      customerName: r.customerName,
      merchant: {
        name: r.merchantName,
        brandColor: r.brandColor,
        logoUrl: r.logoUrl,
        supportEmail: r.supportEmail,
        timezone: r.timezone,
        senderName: r.senderName,
        replyTo: r.replyTo,
      },
    } satisfies NotificationToRender,
  }));
}

/** "429 rate_limit_exceeded: Too many requests" — the provider's answer, kept for agents. */
export function describeFailure(failure: SendFailure): string {
  return `${failure.status ?? "no response"}${failure.code ? ` ${failure.code}` : ""}: ${failure.message}`.slice(
    0,
    1000,
  );
}

async function markSent(db: DbOrTx, batchId: string, sent: { id: string; providerId: string | null }[], now: Date) {
  await db.execute(sql`
    update notifications n
    set status = 'sent', sent_at = ${instant(now)}, provider_message_id = x.pid, lease_until = null, last_error = null, updated_at = ${instant(now)}
    from jsonb_to_recordset(${JSON.stringify(sent.map((s) => ({ id: s.id, pid: s.providerId })))}::jsonb) as x(id uuid, pid text)
    where n.id = x.id and n.batch_id = ${batchId} and n.status = 'sending'`);
}

async function markFailed(db: DbOrTx, where: { batchId: string; id?: string }, error: string, now: Date) {
  await db.execute(sql`
    update notifications set status = 'failed', last_error = ${error}, lease_until = null, updated_at = ${instant(now)}
    where batch_id = ${where.batchId} and status = 'sending' ${where.id ? sql`and id = ${where.id}` : sql``}`);
}

async function scheduleRetry(db: DbOrTx, batchId: string, at: Date, error: string, now: Date) {
  await db.execute(sql`
    update notifications set lease_until = ${instant(at)}, last_error = ${error}, updated_at = ${instant(now)}
    where batch_id = ${batchId} and status = 'sending'`);
}

type Settled = Pick<DispatchResult, "sent" | "failed" | "retrying" | "pauseSeconds">;
/** A rendered email waiting in a batch, by its notification row. */
type PendingEmail = { id: string; email: OutgoingEmail };
/** A persisted batch: its id (the provider's idempotency key), its emails, and how often it was tried. */
type Batch = { batchId: string; items: PendingEmail[]; attempts: number };
type SendOptions = { transport: Transport; now: Date; random: () => number };

/** Records every email of a batch as sent, each with the provider's id for it if there is one. */
async function settleSent(
  db: DbOrTx,
  batchId: string,
  items: { id: string }[],
  providerIdAt: (index: number) => string | null,
  now: Date,
): Promise<Settled> {
  await markSent(
    db,
    batchId,
    items.map((item, i) => ({ id: item.id, providerId: providerIdAt(i) })),
    now,
  );
  return { sent: items.length, failed: 0, retrying: 0 };
}

/** Sends one persisted batch under its id and records the outcome on its rows. */
async function sendAndSettle(db: DbOrTx, batch: Batch, options: SendOptions): Promise<Settled> {
  const { batchId, items, attempts } = batch;
  const { transport, now } = options;
  const result = await transport.sendBatch(
    items.map((i) => i.email),
    batchId,
  );
  if (result.ok) {
    return settleSent(db, batchId, items, (i) => result.ids[i] ?? null, now);
  }
  const failure = result.error;
  const error = describeFailure(failure);
  if (failure.status === 409 && failure.code === "invalid_idempotent_request") {
    // Only an earlier attempt of this very batch can have used its key, and the provider took it:
    // the emails went, though what we render now differs (a merchant renamed since, say). Sending
    // them again under new keys would deliver them twice.
    return settleSent(db, batchId, items, () => null, now);
  }
  if (failure.kind === "permanent" && items.length > 1) return splitBatch(db, batch, options);
  const next = nextAttempt(failure, attempts, options.random());
  if ("giveUp" in next) {
    await markFailed(db, { batchId }, error, now);
    return { sent: 0, failed: items.length, retrying: 0 };
  }
  await scheduleRetry(db, batchId, new Date(now.getTime() + next.retryInSeconds * 1000), error, now);
  return {
    sent: 0,
    failed: 0,
    retrying: items.length,
    ...(failure.kind === "rate_limited" ? { pauseSeconds: next.retryInSeconds } : {}),
  };
}

/**
 * The provider refused a whole batch (422: one bad address fails all of it). Each email becomes
 * a batch of its own, recorded before sending so a crash cannot mix them up, and is sent alone:
 * the good ones go, the bad one fails with the provider's answer.
 */
async function splitBatch(db: DbOrTx, batch: Batch, options: SendOptions): Promise<Settled> {
  const { batchId, items, attempts } = batch;
  const singles = await rows<{ id: string; batch_id: string }>(
    db,
    sql`update notifications set batch_id = gen_random_uuid(), updated_at = ${instant(options.now)}
        where batch_id = ${batchId} and status = 'sending' returning id, batch_id`,
  );
  const total: Settled = { sent: 0, failed: 0, retrying: 0 };
  const batchOf = new Map(singles.map((s) => [s.id, s.batch_id]));
  for (const item of items) {
    const single = batchOf.get(item.id);
    if (!single) continue;
    const outcome = await sendAndSettle(db, { batchId: single, items: [item], attempts }, options);
    total.sent += outcome.sent;
    total.failed += outcome.failed;
    total.retrying += outcome.retrying;
    if (outcome.pauseSeconds) total.pauseSeconds = Math.max(total.pauseSeconds ?? 0, outcome.pauseSeconds);
  }
  return total;
}

/**
 * Claims, decides, renders and sends one batch (after turning queued ETA gatherings into their
 * emails). Nothing due: `claimed` is 0.
 */
export async function dispatchBatch(db: DbOrTx, options: DispatchOptions): Promise<DispatchResult> {
  const now = options.now ?? new Date();
  try {
    await gatherQueued(db);
  } catch (error) {
    // The other emails still go; ETA emails wait for the queue (claimBatch).
    options.log?.(`gathering queued ETA changes failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const claim = await claimBatch(db, {
    now,
    limit: Math.min(options.batchSize ?? maxBatchSize, maxBatchSize),
    leaseSeconds: options.leaseSeconds ?? defaultLeaseSeconds,
  });
  if (!claim) return empty(null);
  const { batchId } = claim;
  const skipped = (await finalizeGathered(db, { batchId, now })) + (await skipTurnedOff(db, batchId, now));
  const batch = await loadBatch(db, batchId);
  const appUrl = options.appUrl ?? env().APP_URL;
  const mailFrom = options.mailFrom ?? env().MAIL_FROM;

  const items: { id: string; email: OutgoingEmail }[] = [];
  let failed = 0;
  for (const { notification } of batch) {
    try {
      items.push({ id: notification.id, email: await renderNotification(notification, { appUrl, mailFrom }) });
    } catch (error) {
      // A payload this code cannot render will not render on a retry either.
      const message = `render error: ${error instanceof Error ? error.message : String(error)}`;
      options.log?.(`notification ${notification.id} (${notification.kind}): ${message}`);
      await markFailed(db, { batchId, id: notification.id }, message, now);
      failed++;
    }
  }
  if (items.length === 0) return { ...empty(batchId), failed, skipped };
  const attempts = Math.max(...batch.map((b) => b.attempts));
  const settled = await sendAndSettle(
    db,
    { batchId, items, attempts },
    {
      transport: options.transport,
      now,
      random: options.random ?? Math.random,
    },
  );
  return { batchId, claimed: items.length, skipped, ...settled, failed: settled.failed + failed };
}

/** Sends everything due now, batch after batch (tests, scripts). Returns the totals. */
export async function drainOutbox(
  db: DbOrTx,
  options: DispatchOptions & { maxBatches?: number },
): Promise<DispatchResult & { batches: number }> {
  const total = { ...empty(null), batches: 0 };
  for (let i = 0; i < (options.maxBatches ?? 1000); i++) {
    const result = await dispatchBatch(db, options);
    if (result.batchId === null) break;
    total.batches++;
    total.claimed += result.claimed;
    total.sent += result.sent;
    total.failed += result.failed;
    total.retrying += result.retrying;
    total.skipped += result.skipped;
    if (result.pauseSeconds) total.pauseSeconds = result.pauseSeconds;
  }
  return total;
}
