import { sql, type SQL } from "drizzle-orm";
import type { Actor } from "../audit/actor";
import { rows, type DbOrTx } from "../db/client";
import { transaction } from "../db/transaction";
import { notifications, type DomainEventType, type NewNotification } from "../db/schema/notifications";
import type { LineStatus } from "../db/schema/orders";
import { bigintArray, instant, uuidArray } from "../db/sql-helpers";
import type { EtaChange } from "../eta/recompute";
import type { DomainEventInput } from "../events/record";
import type {
  BackorderedPayload,
  CancelledBy,
  CancelledPayload,
  LineSnapshot,
  ShippedPayload,
  SwappedPayload,
} from "./payloads";
import { isWaiting } from "../orders/line-status";

// Writing the outbox, in the transaction of the change that causes it: a change that rolls back
// leaves no email behind, and one that commits cannot forget its email.

/** The domain events that become an email of their own (ETA changes are gathered separately). */
const notifiable = new Set<DomainEventType>([
  "line_backordered",
  "line_preordered",
  "line_shipped",
  "line_cancelled",
  "delay_consent_expired",
  "line_swapped",
]);

export type OrderFacts = { email: string; currency: string; merchantId: string };

export type LineFacts = LineSnapshot & { orderId: string; unitPriceMinor: number };

const byOf = (actor: Actor): "shopper" | "agent" | "shop" =>
  actor.type === "shopper" ? "shopper" : actor.type === "agent" ? "agent" : "shop";

/**
 * The emails a set of domain events asks for, one per order and occasion: one backordered notice
 * for the lines an intake left waiting, one shipped email per parcel, one cancellation per
 * cancelling action, one per swap. Pure: the caller loads the orders and lines involved.
 */
export function draftsFromEvents(input: {
  events: readonly DomainEventInput[];
  actor: Actor;
  now: Date;
  orders: ReadonlyMap<string, OrderFacts>;
  lines: ReadonlyMap<number, LineFacts>;
  consentDeadlines?: ReadonlyMap<number, Date>;
}): NewNotification[] {
  const { now, orders, lines } = input;
  const groups = new Map<string, { orderId: string; type: DomainEventType; events: DomainEventInput[] }>();
  for (const event of input.events) {
    if (!notifiable.has(event.type) || !event.orderId || !orders.has(event.orderId)) continue;
    const occasion =
      event.type === "line_shipped"
        ? `shipped:${String(event.payload?.shipmentId ?? "")}`
        : event.type === "line_swapped"
          ? `swapped:${event.orderLineId}`
          : event.type === "line_preordered"
            ? "line_backordered"
            : event.type;
    const key = `${event.orderId}|${occasion}`;
    const group = groups.get(key) ?? {
      orderId: event.orderId,
      type: event.type === "line_preordered" ? "line_backordered" : event.type,
      events: [],
    };
    group.events.push(event);
    groups.set(key, group);
  }

  const drafts: NewNotification[] = [];
  for (const { orderId, type, events } of groups.values()) {
    const order = orders.get(orderId)!;
    const orderLines = [...lines.values()].filter((l) => l.orderId === orderId).sort((a, b) => a.lineId - b.lineId);
    const line = (id: number | null | undefined) => (id == null ? undefined : lines.get(id));
    const base = {
      merchantId: order.merchantId,
      orderId,
      email: order.email,
      status: "pending" as const,
      dueAt: now,
      createdAt: now,
      updatedAt: now,
    };
    const snapshot = ({ orderId: _o, unitPriceMinor: _p, ...rest }: LineFacts): LineSnapshot => rest;

    if (type === "line_backordered") {
      const waiting = events.map((e) => line(e.orderLineId)).filter((l): l is LineFacts => !!l && isWaiting(l.status));
      if (waiting.length === 0) continue;
      const ids = new Set(waiting.map((l) => l.lineId));
      const payload: BackorderedPayload = {
        lines: waiting.sort((a, b) => a.lineId - b.lineId).map(snapshot),
        inStock: orderLines
          .filter((l) => !ids.has(l.lineId) && (l.status === "ready" || l.status === "shipped"))
          .map((l) => l.title),
      };
      drafts.push({ ...base, kind: "backordered", payload });
    } else if (type === "line_shipped") {
      const first = events[0]!.payload ?? {};
      const shippedIds = new Set(events.map((e) => e.orderLineId));
      const payload: ShippedPayload = {
        shipmentId: (first.shipmentId as string | undefined) ?? null,
        carrier: (first.carrier as string | null | undefined) ?? null,
        trackingNumber: (first.trackingNumber as string | null | undefined) ?? null,
        trackingUrl: (first.trackingUrl as string | null | undefined) ?? null,
        shippedAt: now.toISOString(),
        lines: events.map((e) => ({
          lineId: e.orderLineId!,
          title: line(e.orderLineId)?.title ?? String(e.payload?.sku ?? "Item"),
          units: Number(e.payload?.units ?? 0),
        })),
        stillWaiting: orderLines
          .filter((l) => isWaiting(l.status) || (l.status === "ready" && !shippedIds.has(l.lineId)))
          .map((l) => ({ title: l.title, shipStart: l.shipStart, shipEnd: l.shipEnd })),
      };
      drafts.push({ ...base, kind: "shipped", payload });
    } else if (type === "line_cancelled" || type === "delay_consent_expired") {
      const noConsent = type === "delay_consent_expired";
      const deadlines = events.map((e) => input.consentDeadlines?.get(e.orderLineId!)).filter((d): d is Date => !!d);
      const by: CancelledBy = noConsent ? "no_consent" : byOf(input.actor);
      const payload: CancelledPayload = {
        lines: events.map((e) => ({
          lineId: e.orderLineId!,
          title: line(e.orderLineId)?.title ?? String(e.payload?.sku ?? "Item"),
          units: Number(e.payload?.units ?? 0),
          refundMinor: Number(e.payload?.refundMinor ?? 0),
        })),
        currency: order.currency,
        by,
        deadline:
          noConsent && deadlines.length > 0
            ? deadlines.sort((a, b) => a.getTime() - b.getTime())[0]!.toISOString()
            : null,
      };
      drafts.push({ ...base, kind: "cancelled", payload });
    } else if (type === "line_swapped") {
      const event = events[0]!;
      const newLineId = event.payload?.newLineId == null ? null : Number(event.payload.newLineId);
      const payload: SwappedPayload = {
        lineId: event.orderLineId!,
        newLineId,
        fromTitle: line(event.orderLineId)?.title ?? String(event.payload?.fromSku ?? "Item"),
        toTitle: line(newLineId)?.title ?? String(event.payload?.toSku ?? "Item"),
        units: Number(event.payload?.units ?? 0),
        refundMinor: Number(event.payload?.refundMinor ?? 0),
        currency: order.currency,
        by: byOf(input.actor),
      };
      drafts.push({ ...base, kind: "swapped", payload });
    }
  }
  return drafts;
}

/** Loads what `draftsFromEvents` needs and writes its drafts. */
async function writeEventNotifications(
  tx: DbOrTx,
  change: { actor: Actor; now: Date; events: readonly DomainEventInput[] },
) {
  const relevant = change.events.filter((e) => notifiable.has(e.type) && e.orderId);
  if (relevant.length === 0) return;
  const orderIds = [...new Set(relevant.map((e) => e.orderId!))];
  // The orders and all their lines in one statement: each line row carries its order's facts.
  const lineRows = await rows<Record<string, unknown>>(
    tx,
    sql`select o.id as order_id, o.email, o.currency, o.merchant_id, l.id, l.title, l.quantity, l.status, l.unit_price_minor,
               l.lines_ahead, l.ship_start::text, l.ship_end::text, l.delivery_start::text, l.delivery_end::text
        from orders o left join order_lines l on l.order_id = o.id
        where o.id = any(${uuidArray(orderIds)})`,
  );
  const orderRows = [...new Map(lineRows.map((r) => [r.order_id as string, r])).values()].map((r) => ({
    id: r.order_id as string,
    email: r.email as string,
    currency: r.currency as string,
    merchant_id: r.merchant_id as string,
  }));
  const expired = relevant.filter((e) => e.type === "delay_consent_expired").map((e) => e.orderLineId!);
  const deadlineRows =
    expired.length === 0
      ? []
      : await rows<{ order_line_id: number; consent_deadline: string }>(
          tx,
          sql`select distinct on (order_line_id) order_line_id, consent_deadline::text
              from delay_notices where order_line_id = any(${bigintArray(expired)}) and consent_deadline is not null
              order by order_line_id, id desc`,
        );
  const drafts = draftsFromEvents({
    events: relevant,
    actor: change.actor,
    now: change.now,
    orders: new Map(orderRows.map((o) => [o.id, { email: o.email, currency: o.currency, merchantId: o.merchant_id }])),
    lines: new Map(
      lineRows
        .filter((l) => l.id != null)
        .map((l) => [
          Number(l.id),
          {
            lineId: Number(l.id),
            orderId: l.order_id as string,
            title: l.title as string,
            quantity: Number(l.quantity),
            status: l.status as LineStatus,
            unitPriceMinor: Number(l.unit_price_minor),
            linesAhead: Number(l.lines_ahead),
            shipStart: (l.ship_start as string | null) ?? null,
            shipEnd: (l.ship_end as string | null) ?? null,
            deliveryStart: (l.delivery_start as string | null) ?? null,
            deliveryEnd: (l.delivery_end as string | null) ?? null,
          },
        ]),
    ),
    consentDeadlines: new Map(deadlineRows.map((r) => [Number(r.order_line_id), new Date(r.consent_deadline)])),
  });
  if (drafts.length > 0) await tx.insert(notifications).values(drafts);
}

/**
 * A change that re-dates more lines than `inlineLimit` leaves gathering them to the worker: its transaction
 * writes one `eta_gatherings` row instead of an email per order. A PO slip that moves 20,000 lines
 * then commits in about half the time, holding its SKUs' locks (which shoppers' cancels and swaps
 * wait on) that much less; the emails are due only when the gathering window closes anyway.
 */
export const gathering = { inlineLimit: 500 };

/** True while ETA changes wait in `eta_gatherings`: ETA emails then wait for them (dispatch, consent). */
export const gatheringQueued = sql`exists (select 1 from eta_gatherings)`;

/**
 * Gathers ETA changes into one pending email per order, due when the merchant's gathering window
 * (from the change) closes. Each line keeps the window it had before its first change in the
 * window, so later changes only move where it ends up.
 *
 * Small changes are gathered here, in their transaction. A large one, or any change while an
 * earlier one still waits in `eta_gatherings`, is queued there (so a line's changes are always
 * gathered in the order they happened), and `gatherQueued` expands it with the same statement.
 */
export async function gatherEtaChanges(tx: DbOrTx, params: { now: Date; etaChanges: readonly EtaChange[] }) {
  // A line's first window is the intake, which the backordered notice already told.
  const ids = params.etaChanges.filter((c) => c.reason !== "initial").map((c) => c.eventId);
  if (ids.length === 0) return;
  const source = sql`select ${bigintArray(ids)} as event_ids, ${instant(params.now)} as at`;
  // Every change of a line locks the line's row (the recompute updates it; an agent's override
  // locks it first), so a later change of the same line runs this check after an earlier one
  // committed, and sees its queued row.
  const [queued] = await rows<{ waiting: boolean }>(tx, sql`select ${gatheringQueued} as waiting`);
  if (ids.length > gathering.inlineLimit || queued!.waiting) {
    await tx.execute(sql`insert into eta_gatherings (event_ids, at) ${source}`);
  } else {
    await tx.execute(gatherStatement(source));
  }
}

/** Advisory lock key held by whoever expands queued gatherings ("etag" in ASCII). */
const gatherLock = 0x65746167;

/**
 * Expands queued gatherings into their emails, oldest first, one transaction each; at most one
 * expander at a time (another that finds the lock held returns at once). Run before each batch the
 * worker sends, so a queued gathering is in the outbox long before its window closes.
 */
export async function gatherQueued(db: DbOrTx, options: { limit?: number } = {}): Promise<number> {
  let expanded = 0;
  while (expanded < (options.limit ?? 100)) {
    const [waiting] = await rows<{ id: number | null }>(db, sql`select min(id) as id from eta_gatherings`);
    if (waiting?.id == null) break;
    const done = await transaction(db, async (tx) => {
      const [lock] = await rows<{ ok: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${gatherLock}) as ok`);
      if (!lock!.ok) return false;
      const [oldest] = await rows<{ id: number }>(tx, sql`select id from eta_gatherings order by id limit 1`);
      if (!oldest) return false;
      await tx.execute(
        gatherStatement(sql`delete from eta_gatherings where id = ${oldest.id} returning event_ids, at`),
      );
      return true;
    });
    if (!done) break;
    expanded++;
  }
  return expanded;
}

/**
 * One statement for any number of changes: `source` gives the `eta_events` ids and the change's
 * moment. A PO slip that re-dates 20,000 lines is one insert.
 */
function gatherStatement(source: SQL) {
  return sql`
    with g as (${source})
    insert into notifications (merchant_id, order_id, email, kind, payload, status, due_at, created_at, updated_at)
    select c.merchant_id, c.order_id, o.email, 'eta_moved',
           jsonb_build_object('lines', jsonb_object_agg(c.order_line_id::text, jsonb_build_object('start', c.old_ship_start, 'end', c.old_ship_end))),
           'pending', c.at + make_interval(mins => m.gather_minutes), c.at, c.at
    from (select distinct on (e.order_line_id) e.merchant_id, e.order_id, e.order_line_id, e.old_ship_start, e.old_ship_end, g.at
          from g join eta_events e on e.id = any(g.event_ids)
          order by e.order_line_id, e.id) c
    join orders o on o.id = c.order_id
    join merchants m on m.id = c.merchant_id
    -- A line the pending email already holds keeps its first window there: nothing to write. A PO
    -- that slips twice within the gathering window then costs one probe per line, not an update.
    where not exists (select 1 from notifications n
                      where n.order_id = c.order_id and n.status = 'pending' and n.kind = 'eta_moved'
                        and n.payload -> 'lines' ? c.order_line_id::text)
    group by c.merchant_id, c.order_id, o.email, m.gather_minutes, c.at
    order by c.order_id
    on conflict (order_id) where status = 'pending' and kind = 'eta_moved'
    do update set payload = jsonb_build_object('lines', (excluded.payload -> 'lines') || (notifications.payload -> 'lines')),
                  updated_at = excluded.updated_at`;
}

/** The outbox part of `recordChange`: the emails this change asks for, in its transaction. */
export async function writeNotifications(
  tx: DbOrTx,
  change: { actor: Actor; now: Date; events: readonly DomainEventInput[]; etaChanges: readonly EtaChange[] },
): Promise<void> {
  await writeEventNotifications(tx, change);
  await gatherEtaChanges(tx, change);
}
