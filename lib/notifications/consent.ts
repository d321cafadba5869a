import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { systemActor, type Actor } from "../audit/actor";
import { writeAudit } from "../audit/log";
import { rows, type DbOrTx } from "../db/client";
import { merchants } from "../db/schema/merchants";
import { delayNotices, notifications } from "../db/schema/notifications";
import { orderLines, orders, type LineStatus } from "../db/schema/orders";
import { bigintArray, instant } from "../db/sql-helpers";
import { transaction } from "../db/transaction";
import { DomainError } from "../errors";
import { lockSkus } from "../eta/allocate";
import { viewLinkGraceDays } from "../links/view-link";
import { recordChange } from "../events/record";
import { cancelLines } from "../orders/cancel";
import { lockLines } from "../orders/lines";
import { gatheringQueued } from "./outbox";
import type { DelayPayload, EtaWhy } from "./payloads";
import type { DelayDecision } from "./policy";
import { formatDeadline } from "./time";
import { isWaiting, sqlStatuses, waitingStatuses } from "../orders/line-status";

// Delay consent under the US FTC mail-order rule, as the portal tracks it: the shopper's answer to
// a delay notice, the job that cancels lines whose deadline passed without a "keep waiting", and
// the scan that notices a promised date that passed with nothing shipped. Every deadline lives in
// order_lines.consent_deadline, so none is lost when the worker restarts.

export const consentActor = systemActor("delay-consent");

export type DelayNoticeView = {
  noticeId: number;
  orderId: string;
  orderNumber: string;
  email: string;
  lineId: number;
  title: string;
  kind: "first" | "renewed";
  /** The date in the notice: null when it offered no date. */
  newShipEnd: string | null;
  /** The line's current window (it may have moved since the notice). */
  shipStart: string | null;
  shipEnd: string | null;
  consentDeadline: Date | null;
  deadlineText: string | null;
  response: "keep_waiting" | "cancel" | null;
  respondedAt: Date | null;
  /** Whether this is still the line's latest notice (older ones cannot be answered). */
  latest: boolean;
  lineStatus: LineStatus;
  consentState: string;
  merchant: { name: string; brandColor: string; logoUrl: string | null; supportEmail: string; timezone: string };
  /** Past the order's link lifetime: the page says so and offers nothing. */
  expired: boolean;
  /** What the shopper can still do here. */
  canKeepWaiting: boolean;
  canCancel: boolean;
};

/** A delay notice and its line as the answer page shows them, or null if there is no such notice. */
export async function delayNoticeView(
  db: DbOrTx,
  noticeId: number,
  now: Date = new Date(),
): Promise<DelayNoticeView | null> {
  const [found] = await db
    .select({ notice: delayNotices, line: orderLines, order: orders, merchant: merchants })
    .from(delayNotices)
    .innerJoin(orderLines, eq(orderLines.id, delayNotices.orderLineId))
    .innerJoin(orders, eq(orders.id, delayNotices.orderId))
    .innerJoin(merchants, eq(merchants.id, delayNotices.merchantId))
    .where(eq(delayNotices.id, noticeId));
  if (!found) return null;
  const [newest] = await db
    .select({ id: delayNotices.id })
    .from(delayNotices)
    .where(eq(delayNotices.orderLineId, found.line.id))
    .orderBy(desc(delayNotices.id))
    .limit(1);
  const { notice, line, order, merchant } = found;
  const latest = newest?.id === notice.id;
  const waiting = isWaiting(line.status);
  const expired = noticeLinkExpired(
    notice.createdAt,
    { closedAt: order.closedAt, revokedAt: order.viewLinksRevokedAt },
    now,
  );
  const open = waiting && latest && notice.response === null && !expired;
  return {
    noticeId: notice.id,
    orderId: order.id,
    orderNumber: order.number,
    email: order.email,
    lineId: line.id,
    title: line.title,
    kind: notice.kind,
    newShipEnd: notice.newShipEnd,
    shipStart: line.shipStart,
    shipEnd: line.shipEnd,
    consentDeadline: notice.consentDeadline,
    deadlineText: notice.consentDeadline ? formatDeadline(notice.consentDeadline, merchant.timezone) : null,
    response: notice.response,
    respondedAt: notice.respondedAt,
    latest,
    lineStatus: line.status,
    consentState: line.consentState,
    merchant: {
      name: merchant.name,
      brandColor: merchant.brandColor,
      logoUrl: merchant.logoUrl,
      supportEmail: merchant.supportEmail,
      timezone: merchant.timezone,
    },
    expired,
    canKeepWaiting: open && line.consentState !== "expired",
    // An answered or replaced notice only shows what happened; cancelling later is the order page's.
    canCancel: open,
  };
}

/**
 * A delay notice's link lives as long as the order's view links: until 30 days after the order
 * closed, and not past a revocation of the order's links made after the notice was sent.
 */
export function noticeLinkExpired(
  sentAt: Date,
  order: { closedAt: Date | null; revokedAt: Date | null } | null,
  now: Date,
): boolean {
  if (!order) return true;
  if (order.revokedAt && sentAt.getTime() <= order.revokedAt.getTime()) return true;
  return order.closedAt !== null && now.getTime() > order.closedAt.getTime() + viewLinkGraceDays * 86_400_000;
}

export const expiredLinkSentence =
  "This link has expired. Your order page, from the link in any of our emails or a lookup, shows where it stands.";

export type DelayAnswer = "keep_waiting" | "cancel";

const answeredEvent = (
  notice: { id: number; merchantId: string; orderId: string; orderLineId: number },
  answer: DelayAnswer | "expired",
) => ({
  type: "delay_notice_answered" as const,
  merchantId: notice.merchantId,
  orderId: notice.orderId,
  orderLineId: notice.orderLineId,
  payload: { noticeId: notice.id, answer },
});

/**
 * The shopper's answer to a delay notice. "Keep waiting" accepts the date in the notice (or, for a
 * notice with no date, waiting without one: the shopper may still cancel until it ships); "cancel"
 * cancels the line at once, and its place in the queue goes to the next shopper.
 */
export async function answerDelayNotice(
  db: DbOrTx,
  params: { noticeId: number; answer: DelayAnswer; now: Date; actor?: Actor },
): Promise<{ answer: DelayAnswer; title: string; refundMinor?: number }> {
  const { noticeId, answer, now } = params;
  return transaction(db, async (tx) => {
    const [notice] = await tx.select().from(delayNotices).where(eq(delayNotices.id, noticeId));
    if (!notice) throw new DomainError("not_found", "We could not find that delay notice.");
    const [order] = await tx
      .select({ email: orders.email, closedAt: orders.closedAt, revokedAt: orders.viewLinksRevokedAt })
      .from(orders)
      .where(eq(orders.id, notice.orderId));
    const actor = params.actor ?? { type: "shopper" as const, id: order?.email ?? null };
    const [peek] = await tx
      .select({ skuId: orderLines.skuId })
      .from(orderLines)
      .where(eq(orderLines.id, notice.orderLineId));
    // The same lock order as every change to a line (its SKU, then the line), so an answer and a
    // stock arrival or the expiry job cannot deadlock.
    await lockSkus(tx, [peek!.skuId]);
    const [line] = await tx.select().from(orderLines).where(eq(orderLines.id, notice.orderLineId)).for("update");
    if (!line) throw new DomainError("not_found", "We could not find that item.");
    if (noticeLinkExpired(notice.createdAt, order ?? null, now)) throw new DomainError("conflict", expiredLinkSentence);
    // Only the line's newest notice can be answered, and only once: after "keep waiting", the way to
    // cancel is the order page (product.md), not a button in an old email.
    const [newest] = await tx
      .select({ id: delayNotices.id })
      .from(delayNotices)
      .where(eq(delayNotices.orderLineId, line.id))
      .orderBy(desc(delayNotices.id))
      .limit(1);
    if (notice.response === answer) return { answer, title: line.title };
    if (notice.response !== null)
      throw new DomainError(
        "conflict",
        notice.response === "keep_waiting"
          ? `You already chose to keep waiting for ${line.title}. To cancel it, use your order page.`
          : `${line.title} was already cancelled.`,
      );
    if (newest?.id !== noticeId)
      throw new DomainError("conflict", "A newer delay notice replaced this one; please answer the latest email.");

    if (answer === "cancel") {
      const result = await cancelLines(tx, {
        merchantId: notice.merchantId,
        orderId: notice.orderId,
        lineIds: [line.id],
        actor,
        now,
        reason: "The shopper declined the delay",
      });
      const answered = await tx
        .update(delayNotices)
        .set({ response: "cancel", respondedAt: now })
        .where(and(eq(delayNotices.id, noticeId), sql`${delayNotices.response} is null`))
        .returning({ id: delayNotices.id });
      if (answered.length > 0) await recordChange(tx, { actor, now, events: [answeredEvent(notice, "cancel")] });
      return { answer, title: line.title, refundMinor: result.cancelled.reduce((sum, c) => sum + c.refundMinor, 0) };
    }

    if (line.status === "shipped")
      throw new DomainError("conflict", `${line.title} has already shipped: there is nothing to wait for.`);
    if (line.status === "cancelled" || line.status === "swapped") {
      throw new DomainError(
        "conflict",
        line.consentState === "expired"
          ? `${line.title} was cancelled because the deadline passed without an answer.`
          : `${line.title} was already cancelled.`,
      );
    }
    await tx
      .update(orderLines)
      .set({ consentState: "accepted", consentDeadline: null, promisedShipEnd: notice.newShipEnd, updatedAt: now })
      .where(eq(orderLines.id, line.id));
    await tx
      .update(delayNotices)
      .set({ response: "keep_waiting", respondedAt: now })
      .where(eq(delayNotices.id, noticeId));
    await recordChange(tx, {
      actor,
      now,
      events: [answeredEvent(notice, "keep_waiting")],
    });
    await writeAudit(tx, actor, now, [
      {
        merchantId: notice.merchantId,
        action: "line.delay_accepted",
        entityType: "order_line",
        entityId: line.id,
        orderId: notice.orderId,
        before: {
          consentState: line.consentState,
          promisedShipEnd: line.promisedShipEnd,
          consentDeadline: line.consentDeadline,
        },
        after: { consentState: "accepted", promisedShipEnd: notice.newShipEnd, noticeId },
      },
    ]);
    return { answer, title: line.title };
  });
}

/**
 * Cancels every waiting line whose consent deadline passed without a "keep waiting": the audit log
 * records it (by cancelLines) and the `delay_consent_expired` event tells the merchant to refund.
 * Each order in its own transaction, re-checked under lock, so an answer given a moment before
 * the deadline always wins. Returns the lines cancelled.
 */
export async function expireOverdueConsent(db: DbOrTx, params: { now: Date; limit?: number }): Promise<number> {
  const { now } = params;
  const due = await rows<{ order_id: string; merchant_id: string }>(
    db,
    sql`select distinct order_id, merchant_id from order_lines
        where consent_deadline <= ${instant(now)} and consent_state = 'awaiting' and status in ${sqlStatuses(waitingStatuses)}
        limit ${params.limit ?? 500}`,
  );
  let cancelled = 0;
  for (const { order_id: orderId, merchant_id: merchantId } of due) {
    cancelled += await transaction(db, async (tx) => {
      const lines = await lockLines(
        tx,
        and(
          eq(orderLines.orderId, orderId),
          eq(orderLines.consentState, "awaiting"),
          sql`${orderLines.consentDeadline} <= ${instant(now)}`,
        ),
      );
      const overdue = lines.filter(
        (l) =>
          l.consentState === "awaiting" &&
          l.consentDeadline !== null &&
          l.consentDeadline <= now &&
          isWaiting(l.status),
      );
      if (overdue.length === 0) return 0;
      await cancelLines(tx, {
        merchantId,
        orderId,
        lineIds: overdue.map((l) => l.id),
        actor: consentActor,
        now,
        eventType: "delay_consent_expired",
        reason: "No answer to the delay notice before its deadline",
      });
      await tx
        .update(orderLines)
        .set({ consentState: "expired" })
        .where(
          inArray(
            orderLines.id,
            overdue.map((l) => l.id),
          ),
        );
      // Each line's latest notice is the one that went unanswered.
      const notices = await rows<{ id: number; order_line_id: number }>(
        tx,
        sql`select distinct on (order_line_id) id, order_line_id from delay_notices
            where order_line_id = any(${bigintArray(overdue.map((l) => l.id))}) order by order_line_id, id desc`,
      );
      await recordChange(tx, {
        actor: consentActor,
        now,
        events: notices.map((n) =>
          answeredEvent({ id: Number(n.id), merchantId, orderId, orderLineId: Number(n.order_line_id) }, "expired"),
        ),
      });
      return overdue.length;
    });
  }
  return cancelled;
}

/**
 * Lines whose promised date passed while they still wait, with nothing moving their window (a PO
 * that is simply late): each gets its order's ETA email due now, whose decision (at send time)
 * writes the delay notice. Lines already asked, or with no promise, are left alone. One statement.
 * Not while ETA changes are queued for gathering (outbox.ts): this email would take those lines
 * with their current window, and the queued change could no longer tell the window before it.
 * The next scan (every 15 minutes) finds them.
 */
export async function noticeMissedPromises(db: DbOrTx, params: { now: Date }): Promise<number> {
  const now = instant(params.now);
  const inserted = await rows(
    db,
    sql`insert into notifications (merchant_id, order_id, email, kind, payload, status, due_at, created_at, updated_at)
        select l.merchant_id, l.order_id, o.email, 'eta_moved',
               jsonb_build_object('lines', jsonb_object_agg(l.id::text, jsonb_build_object('start', l.ship_start, 'end', l.ship_end))),
               'pending', ${now}, ${now}, ${now}
        from order_lines l
        join merchants m on m.id = l.merchant_id
        join orders o on o.id = l.order_id
        where l.status in ${sqlStatuses(waitingStatuses)} and l.promised_ship_end is not null
          and l.consent_state in ('none', 'notified', 'accepted')
          and l.promised_ship_end < (${now} at time zone m.timezone)::date
          and not ${gatheringQueued}
        group by l.merchant_id, l.order_id, o.email
        order by l.order_id
        on conflict (order_id) where status = 'pending' and kind = 'eta_moved'
        do update set payload = jsonb_build_object('lines', (excluded.payload -> 'lines') || (notifications.payload -> 'lines')),
                      due_at = least(notifications.due_at, excluded.due_at), updated_at = excluded.updated_at
        returning id`,
  );
  return inserted.length;
}

/**
 * Records the delay notices an ETA email's window ended with: each line's new consent state,
 * promise and deadline, its `delay_notices` row (the one the shopper answers), and the delay email
 * (its own notification: a missed promise is not an ordinary ETA update). In the caller's transaction.
 */
export async function issueDelayNotices(
  tx: DbOrTx,
  params: {
    merchantId: string;
    orderId: string;
    email: string;
    delays: readonly DelayDecision[];
    now: Date;
    /** Why each line's date moved, for the email. */
    why?: ReadonlyMap<number, EtaWhy>;
  },
): Promise<void> {
  const { merchantId, orderId, email, delays, now } = params;
  if (delays.length === 0) return;
  const notices: DelayPayload["notices"] = [];
  for (const delay of delays) {
    await tx.execute(sql`
      update order_lines set consent_state = ${delay.next.consentState}, promised_ship_end = ${delay.next.promisedShipEnd}::date,
             consent_deadline = ${delay.next.consentDeadline ? delay.next.consentDeadline.toISOString() : null}::timestamptz,
             updated_at = ${instant(now)}
      where id = ${delay.lineId}`);
    const [notice] = await rows<{ id: number }>(
      tx,
      sql`insert into delay_notices (merchant_id, order_id, order_line_id, kind, new_ship_end, consent_deadline, created_at)
          values (${merchantId}, ${orderId}, ${delay.lineId}, ${delay.kind}, ${delay.newShipEnd}::date,
                  ${delay.deadline ? delay.deadline.toISOString() : null}::timestamptz, ${instant(now)})
          returning id`,
    );
    notices.push({
      noticeId: Number(notice!.id),
      why: params.why?.get(delay.lineId) ?? null,
      lineId: delay.lineId,
      title: delay.title,
      promisedShipEnd: delay.promisedShipEnd,
      newShipStart: delay.newShipStart,
      newShipEnd: delay.newShipEnd,
      consentNeeded: delay.consentNeeded,
      deadline: delay.deadline ? delay.deadline.toISOString() : null,
    });
  }
  const renewed = delays.some((d) => d.kind === "renewed");
  const payload: DelayPayload = { renewed, notices };
  await recordChange(tx, {
    actor: consentActor,
    now,
    events: notices.map((n, i) => ({
      type: "delay_notice_sent" as const,
      merchantId,
      orderId,
      orderLineId: n.lineId,
      payload: {
        noticeId: n.noticeId,
        kind: delays[i]!.kind,
        promisedShipEnd: n.promisedShipEnd,
        newShipStart: n.newShipStart,
        newShipEnd: n.newShipEnd,
        consentNeeded: n.consentNeeded,
        deadline: n.deadline,
      },
    })),
  });
  await tx.insert(notifications).values({
    merchantId,
    orderId,
    email,
    kind: renewed ? "delay_renewed" : "delay_first",
    payload,
    dueAt: now,
    createdAt: now,
    updatedAt: now,
  });
}

/** Lines that were waiting for an answer and, after all, keep their promise: nothing to answer any more. */
export async function clearRecoveredConsent(
  tx: DbOrTx,
  params: { lineIds: readonly number[]; now: Date },
): Promise<void> {
  if (params.lineIds.length === 0) return;
  await tx.execute(sql`
    update order_lines set consent_state = 'notified', consent_deadline = null, updated_at = ${instant(params.now)}
    where id = any(${bigintArray(params.lineIds)}) and consent_state = 'awaiting'`);
}
