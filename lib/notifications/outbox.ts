import { sql, type SQL } from "drizzle-orm";
import type { Actor } from "../audit/actor";
import { rows, type DbOrTx } from "../db/client";
import { transaction } from "../db/transaction";
import { notifications, type NewNotification } from "../db/schema/notifications";
import type { LineStatus } from "../db/schema/orders";
import { bigintArray, instant, lineWindows, uuidArray } from "../db/sql-helpers";
import type { EtaChange } from "../eta/recompute";
import {
  isEventOf,
  type ChangeFacts,
  type ChangeSubscriber,
  type DomainEvent,
  type DomainEventType,
  type EventOf,
  type RecordedChange,
} from "../events/types";
import { isOpen, isWaiting } from "../orders/line-status";
import type {
  BackorderedPayload,
  CancelledBy,
  CancelledPayload,
  LineSnapshot,
  ShippedPayload,
  SwappedPayload,
} from "./payloads";

// Writing the outbox, in the transaction of the change that causes it: a change that rolls back
// leaves no email behind, and one that commits cannot forget its email.

/** The domain events that become an email of their own (ETA changes are gathered separately). */
const notifiableTypes = [
  "line_backordered",
  "line_preordered",
  "line_shipped",
  "line_cancelled",
  "delay_consent_expired",
  "line_swapped",
] as const satisfies readonly DomainEventType[];
type NotifiableEvent = EventOf<(typeof notifiableTypes)[number]>;
const isNotifiable = (event: DomainEvent): event is NotifiableEvent => isEventOf(event, ...notifiableTypes);

/** `shipsTogether`: the shopper chose to have everything ship in one parcel. */
export type OrderFacts = { email: string; currency: string; merchantId: string; shipsTogether?: boolean };

export type LineFacts = LineSnapshot & { orderId: string; unitPriceMinor: number };

const byOf = (actor: Actor): "shopper" | "agent" | "shop" =>
  actor.type === "shopper" ? "shopper" : actor.type === "agent" ? "agent" : "shop";

/** Which email an event belongs to: one per parcel, per swap, and otherwise per kind of event. */
function occasionOf(event: NotifiableEvent): string {
  switch (event.type) {
    case "line_shipped":
      return `shipped:${event.payload.shipmentId}`;
    case "line_swapped":
      return `swapped:${event.orderLineId}`;
    case "line_preordered":
      return "line_backordered";
    default:
      return event.type;
  }
}

/**
 * The emails a set of domain events asks for, one per order and occasion: one backordered notice
 * for the lines an intake left waiting, one shipped email per parcel, one cancellation per
 * cancelling action, one per swap. Pure: the caller loads the orders and lines involved.
 */
export function draftsFromEvents(
  input: ChangeFacts<OrderFacts, LineFacts> & { consentDeadlines?: ReadonlyMap<number, Date> },
): NewNotification[] {
  const { now, orders, lines } = input;
  const groups = new Map<string, { orderId: string; events: NotifiableEvent[] }>();
  for (const event of input.events) {
    if (!isNotifiable(event) || !orders.has(event.orderId)) continue;
    const key = `${event.orderId}|${occasionOf(event)}`;
    const group = groups.get(key) ?? { orderId: event.orderId, events: [] };
    group.events.push(event);
    groups.set(key, group);
  }

  const drafts: NewNotification[] = [];
  for (const { orderId, events } of groups.values()) {
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
    const first = events[0]!;

    if (isEventOf(first, "line_backordered", "line_preordered")) {
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
    } else if (isEventOf(first, "line_shipped")) {
      const shipped = events.filter((e) => isEventOf(e, "line_shipped"));
      const shippedIds = new Set(shipped.map((e) => e.orderLineId));
      const payload: ShippedPayload = {
        shipmentId: first.payload.shipmentId,
        carrier: first.payload.carrier,
        trackingNumber: first.payload.trackingNumber,
        trackingUrl: first.payload.trackingUrl,
        shippedAt: now.toISOString(),
        lines: shipped.map((e) => ({
          lineId: e.orderLineId,
          title: line(e.orderLineId)?.title ?? e.payload.sku,
          units: e.payload.units,
        })),
        stillWaiting: orderLines
          .filter((l) => isWaiting(l.status) || (l.status === "ready" && !shippedIds.has(l.lineId)))
          .map((l) => ({ title: l.title, shipStart: l.shipStart, shipEnd: l.shipEnd })),
      };
      drafts.push({ ...base, kind: "shipped", payload });
    } else if (isEventOf(first, "line_cancelled", "delay_consent_expired")) {
      const cancelled = events.filter((e) => isEventOf(e, "line_cancelled", "delay_consent_expired"));
      const noConsent = first.type === "delay_consent_expired";
      const deadlines = cancelled.map((e) => input.consentDeadlines?.get(e.orderLineId)).filter((d): d is Date => !!d);
      const by: CancelledBy = noConsent ? "no_consent" : byOf(input.actor);
      const payload: CancelledPayload = {
        lines: cancelled.map((e) => ({
          lineId: e.orderLineId,
          title: line(e.orderLineId)?.title ?? e.payload.sku,
          units: e.payload.units,
          refundMinor: e.payload.refundMinor,
        })),
        currency: order.currency,
        by,
        deadline:
          noConsent && deadlines.length > 0
            ? deadlines.sort((a, b) => a.getTime() - b.getTime())[0]!.toISOString()
            : null,
      };
      drafts.push({ ...base, kind: "cancelled", payload });
    } else if (isEventOf(first, "line_swapped")) {
      const { newLineId } = first.payload;
      const payload: SwappedPayload = {
        lineId: first.orderLineId,
        newLineId,
        fromTitle: line(first.orderLineId)?.title ?? first.payload.fromSku,
        toTitle: line(newLineId)?.title ?? first.payload.toSku,
        units: first.payload.units,
        refundMinor: first.payload.refundMinor,
        currency: order.currency,
        by: byOf(input.actor),
        shipsWith: order.shipsTogether ? togetherWindow(orderLines.filter((l) => l.lineId !== newLineId)) : null,
      };
      drafts.push({ ...base, kind: "swapped", payload });
    }
  }
  return drafts;
}

/**
 * When everything ships together, the window a line joins: the latest of the order's other items
 * still to ship (none left: it ships on its own, null).
 */
function togetherWindow(others: LineFacts[]): { shipStart: string | null; shipEnd: string | null } | null {
  const open = others.filter((l) => isOpen(l.status));
  if (open.length === 0) return null;
  // An item without a date holds the parcel until it has one.
  const undated = open.find((l) => !l.shipEnd);
  if (undated) return { shipStart: null, shipEnd: null };
  const latest = open.reduce((a, b) => (b.shipEnd! > a.shipEnd! ? b : a));
  return { shipStart: latest.shipStart, shipEnd: latest.shipEnd };
}

/** Loads what `draftsFromEvents` needs and writes its drafts. */
async function writeEventNotifications(tx: DbOrTx, change: RecordedChange) {
  const relevant = change.events.filter(isNotifiable);
  if (relevant.length === 0) return;
  const orderIds = [...new Set(relevant.map((e) => e.orderId))];
  // The orders and all their lines in one statement: each line row carries its order's facts.
  const lineRows = await rows<Record<string, unknown>>(
    tx,
    sql`select o.id as order_id, o.email, o.currency, o.merchant_id, o.fulfillment_preference, l.id, l.title, l.quantity, l.status, l.unit_price_minor,
               l.lines_ahead, l.ship_start::text, l.ship_end::text, l.delivery_start::text, l.delivery_end::text
        from orders o left join order_lines l on l.order_id = o.id
        where o.id = any(${uuidArray(orderIds)})`,
  );
  const orderRows = [...new Map(lineRows.map((r) => [r.order_id as string, r])).values()].map((r) => ({
    id: r.order_id as string,
    email: r.email as string,
    currency: r.currency as string,
    merchant_id: r.merchant_id as string,
    ships_together: r.fulfillment_preference === "ship_together",
  }));
  const expired = relevant.filter((e) => e.type === "delay_consent_expired").map((e) => e.orderLineId);
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
    orders: new Map(
      orderRows.map((o) => [
        o.id,
        { email: o.email, currency: o.currency, merchantId: o.merchant_id, shipsTogether: o.ships_together },
      ]),
    ),
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
            ...lineWindows(l),
          },
        ]),
    ),
    consentDeadlines: new Map(deadlineRows.map((r) => [Number(r.order_line_id), new Date(r.consent_deadline)])),
  });
  if (drafts.length > 0) await tx.insert(notifications).values(drafts);
}

/**
 * A change that re-dates more lines than this leaves gathering them to the worker: its transaction
 * writes one `eta_gatherings` row instead of an email per order. A PO slip that moves 20,000 lines
 * then commits in about half the time, holding its SKUs' locks (which shoppers' cancels and swaps
 * wait on) that much less; the emails are due only when the gathering window closes anyway.
 */
export const defaultInlineEtaEmails = 500;

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
export async function gatherEtaChanges(
  tx: DbOrTx,
  params: { now: Date; etaChanges: readonly EtaChange[]; inlineEtaEmails?: number },
) {
  // A line's first window is the intake, which the backordered notice already told.
  const ids = params.etaChanges.filter((c) => c.reason !== "initial").map((c) => c.eventId);
  if (ids.length === 0) return;
  const source = sql`select ${bigintArray(ids)} as event_ids, ${instant(params.now)} as at`;
  // Every change of a line locks the line's row (the recompute updates it; an agent's override
  // locks it first), so a later change of the same line runs this check after an earlier one
  // committed, and sees its queued row.
  const [queued] = await rows<{ waiting: boolean }>(tx, sql`select ${gatheringQueued} as waiting`);
  if (ids.length > (params.inlineEtaEmails ?? defaultInlineEtaEmails) || queued!.waiting) {
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

/** The outbox's part of every recorded change: the emails it asks for, in its transaction. */
export const outboxSubscriber: ChangeSubscriber = {
  name: "outbox",
  eventTypes: notifiableTypes,
  etaChanges: true,
  async write(tx, change) {
    await writeEventNotifications(tx, change);
    await gatherEtaChanges(tx, change);
  },
};
