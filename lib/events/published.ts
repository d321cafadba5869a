import { randomUUID } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import type { Actor } from "../audit/actor";
import { rows, type DbOrTx } from "../db/client";
import { bigintArray, instant, lineWindows, uuidArray } from "../db/sql-helpers";
import type { PublicEvent, PublicEventData } from "./catalogue";
import { domainEventTypes, isEventOf, type ChangeFacts, type ChangeSubscriber, type RecordedChange } from "./types";

// Publishing a change to the merchant's systems, in the change's transaction: each catalogue event
// (lib/events/catalogue.ts) is one `published_events` row (what GET /api/v1/events pages through)
// and one webhook delivery per enabled endpoint subscribed to its type, written by the same
// statement. A change that rolls back publishes nothing; one that commits cannot forget to.

/** Who acted, in the merchant's words: the shop's own systems (API, Shopify) are `shop`. */
export type ActedBy = "shopper" | "agent" | "shop" | "system";

export function actedBy(actor: Actor): ActedBy {
  if (actor.type === "shopper" || actor.type === "agent" || actor.type === "system") return actor.type;
  return "shop";
}

type OrderRef = PublicEventData<"order_line.cancelled">["order"];
type LineRef = PublicEventData<"order_line.cancelled">["line"];

export type OrderFacts = OrderRef & { merchantId: string; merchantSlug: string; currency: string };
export type LineFacts = LineRef & {
  quantity: number;
  shipStart: string | null;
  shipEnd: string | null;
  deliveryStart: string | null;
  deliveryEnd: string | null;
  basis: string;
  queuePosition: number;
};
export type ShipmentFacts = {
  id: string;
  externalId: string | null;
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  shippedAt: string;
  deliveredAt: string | null;
};

export const newEventId = () => `evt_${randomUUID().replace(/-/g, "")}`;

const windowOf = (start: string | null, end: string | null) => (end === null ? null : { start: start ?? end, end });
const lineRef = ({ id, sku, title, unitPriceMinor }: LineFacts): LineRef => ({ id, sku, title, unitPriceMinor });

export type Publication = { merchantId: string; orderId: string; event: PublicEvent };

/**
 * The catalogue events of a change's domain events (ETA changes are published by SQL, below).
 * Pure: the caller loads the orders, lines and shipments involved; an event whose order, line or
 * shipment is missing is skipped rather than sent half-filled. One `order.backordered` per order
 * and one `shipment.created` per parcel, however many lines they carry.
 */
export function publicationsOf(
  input: ChangeFacts<OrderFacts, LineFacts> & {
    shipments: ReadonlyMap<string, ShipmentFacts>;
    newId?: () => string;
  },
): Publication[] {
  const { actor, orders, lines, shipments } = input;
  const newId = input.newId ?? newEventId;
  const timestamp = input.now.toISOString();
  const by = actedBy(actor);
  const source = actor.type;
  const out: Publication[] = [];
  const grouped = new Map<string, Publication>();
  const publish = <E extends PublicEvent>(orderId: string, merchantId: string, type: E["type"], data: E["data"]) => {
    const publication = {
      merchantId,
      orderId,
      event: { id: newId(), type, timestamp, data } as PublicEvent,
    };
    out.push(publication);
    return publication;
  };

  for (const event of input.events) {
    const order = orders.get(event.orderId);
    if (!order) continue;
    const base = {
      merchant: order.merchantSlug,
      order: { id: order.id, number: order.number, externalId: order.externalId },
    };
    const line = event.orderLineId == null ? undefined : lines.get(event.orderLineId);
    const money = (amountMinor: number) => ({ amountMinor, currency: order.currency });

    if (isEventOf(event, "line_backordered", "line_preordered")) {
      if (!line) continue;
      const key = `backordered:${order.id}`;
      const entry = {
        ...lineRef(line),
        quantity: line.quantity,
        waiting: event.payload.waiting,
        preorder: event.type === "line_preordered",
        acceptedOnDeny: event.payload.acceptedOnDeny,
        shipWindow: windowOf(line.shipStart, line.shipEnd),
        deliveryWindow: windowOf(line.deliveryStart, line.deliveryEnd),
        basis: line.basis,
        queuePosition: line.queuePosition,
      };
      const found = grouped.get(key);
      if (found?.event.type === "order.backordered") found.event.data.lines.push(entry);
      else grouped.set(key, publish(order.id, order.merchantId, "order.backordered", { ...base, lines: [entry] }));
    } else if (isEventOf(event, "line_shipped")) {
      const parcel = shipments.get(event.payload.shipmentId);
      if (!line || !parcel) continue;
      const key = `shipped:${parcel.id}`;
      const entry = { line: lineRef(line), units: event.payload.units };
      const found = grouped.get(key);
      if (found?.event.type === "shipment.created") found.event.data.shipment.lines.push(entry);
      else {
        const { deliveredAt: _d, ...shipment } = parcel;
        grouped.set(
          key,
          publish(order.id, order.merchantId, "shipment.created", {
            ...base,
            shipment: { ...shipment, lines: [entry] },
          }),
        );
      }
    } else if (isEventOf(event, "shipment_delivered")) {
      const parcel = shipments.get(event.payload.shipmentId);
      if (!parcel) continue;
      publish(order.id, order.merchantId, "shipment.delivered", {
        ...base,
        shipment: { ...parcel, deliveredAt: event.payload.deliveredAt },
      });
    } else if (isEventOf(event, "line_cancelled", "delay_consent_expired")) {
      if (!line) continue;
      const noConsent = event.type === "delay_consent_expired";
      publish(order.id, order.merchantId, noConsent ? "order_line.delay_consent_expired" : "order_line.cancelled", {
        ...base,
        line: lineRef(line),
        units: event.payload.units,
        cancelledBy: noConsent ? "system" : by,
        source,
        reason: noConsent
          ? "The shopper did not agree to the later ship date before the deadline."
          : event.payload.reason,
        refund: money(event.payload.refundMinor),
      });
    } else if (isEventOf(event, "line_swapped")) {
      const newLine = lines.get(event.payload.newLineId);
      if (!line || !newLine) continue;
      const { units } = event.payload;
      publish(order.id, order.merchantId, "order_line.swapped", {
        ...base,
        line: lineRef(line),
        newLine: lineRef(newLine),
        units,
        swappedBy: by,
        source,
        priceDifference: money((newLine.unitPriceMinor - line.unitPriceMinor) * units),
        refund: money(event.payload.refundMinor),
      });
    } else if (isEventOf(event, "fulfillment_preference_changed")) {
      publish(order.id, order.merchantId, "order.shipping_preference_changed", {
        ...base,
        from: event.payload.from,
        to: event.payload.to,
        changedBy: by,
        source,
      });
    } else if (isEventOf(event, "line_ready")) {
      if (!line) continue;
      publish(order.id, order.merchantId, "line.ready", { ...base, line: lineRef(line), units: event.payload.units });
    } else if (isEventOf(event, "delay_notice_sent")) {
      if (!line) continue;
      const p = event.payload;
      publish(order.id, order.merchantId, "delay_notice.sent", {
        ...base,
        line: lineRef(line),
        notice: {
          id: p.noticeId,
          kind: p.kind,
          promisedShipEnd: p.promisedShipEnd,
          newShipWindow: windowOf(p.newShipStart, p.newShipEnd),
          consentNeeded: p.consentNeeded,
          deadline: p.deadline,
        },
      });
    } else if (isEventOf(event, "delay_notice_answered")) {
      if (!line) continue;
      publish(order.id, order.merchantId, "delay_notice.answered", {
        ...base,
        line: lineRef(line),
        notice: { id: event.payload.noticeId },
        answer: event.payload.answer,
        answeredBy: event.payload.answer === "expired" ? "system" : by,
      });
    }
  }
  return out;
}

/**
 * Writes events and, in the same statement, their deliveries: one per enabled endpoint of the
 * event's merchant whose subscription includes its type (none listed: every type). `events` is a
 * query with the columns of `published_events` to insert (id, merchant_id, type, order_id, payload).
 */
async function insertPublished(tx: DbOrTx, events: SQL, now: Date): Promise<number> {
  const [written] = await rows<{ events: number }>(
    tx,
    sql`with ev as (
          insert into published_events (id, merchant_id, type, order_id, payload, created_at)
          select id, merchant_id, type, order_id, payload, ${instant(now)} from (${events}) input
          returning id, merchant_id, type, payload),
        sent as (
          insert into webhook_deliveries (id, merchant_id, endpoint_id, event_id, event_type, payload, status, next_attempt_at, created_at)
          select 'msg_' || replace(gen_random_uuid()::text, '-', ''), ev.merchant_id, ep.id, ev.id, ev.type, ev.payload,
                 'pending', ${instant(now)}, ${instant(now)}
          from ev join webhook_endpoints ep
            on ep.merchant_id = ev.merchant_id and ep.enabled and (ep.event_types is null or ev.type = any(ep.event_types))
          returning 1)
        select (select count(*) from ev)::int as events, (select count(*) from sent)::int as deliveries`,
  );
  return Number(written?.events ?? 0);
}

/** Publishes events built in JavaScript (publicationsOf). */
export async function publish(tx: DbOrTx, publications: readonly Publication[], now: Date): Promise<number> {
  if (publications.length === 0) return 0;
  const json = JSON.stringify(
    publications.map((p) => ({ id: p.event.id, merchantId: p.merchantId, orderId: p.orderId, payload: p.event })),
  );
  return insertPublished(
    tx,
    sql`select x.e ->> 'id' as id, (x.e ->> 'merchantId')::uuid as merchant_id, x.e -> 'payload' ->> 'type' as type,
               (x.e ->> 'orderId')::uuid as order_id, x.e -> 'payload' as payload
        from jsonb_array_elements(${json}::jsonb) with ordinality as x(e, n) order by x.n`,
    now,
  );
}

/**
 * `line.eta_changed` for the ETA events of a change, in one statement however many there are (a PO
 * slip re-dates tens of thousands of lines). A line's first window is not a change: it is in
 * `order.backordered`. The PO's note is the one given with the date change that caused it.
 */
export async function publishEtaChanges(
  tx: DbOrTx,
  params: { etaEventIds: readonly number[]; actor: Actor; now: Date },
): Promise<number> {
  if (params.etaEventIds.length === 0) return 0;
  const windowSql = (start: SQL, end: SQL) =>
    sql`case when ${end} is null then null else jsonb_build_object('start', coalesce(${start}, ${end}), 'end', ${end}) end`;
  return insertPublished(
    tx,
    sql`with c as materialized (
          select 'evt_' || replace(gen_random_uuid()::text, '-', '') as id, e.id as eta_event_id, e.merchant_id, e.order_id,
                 e.order_line_id, e.old_ship_start, e.old_ship_end, e.new_ship_start, e.new_ship_end, e.reason, e.note,
                 e.purchase_order_id, e.at
          from eta_events e where e.id = any(${bigintArray(params.etaEventIds)}) and e.reason <> 'initial')
        select c.id, c.merchant_id, 'line.eta_changed' as type, c.order_id,
               jsonb_build_object('id', c.id, 'type', 'line.eta_changed', 'timestamp', ${params.now.toISOString()}::text,
                 'data', jsonb_build_object(
                   'merchant', m.slug,
                   'order', jsonb_build_object('id', o.id, 'number', o.number, 'externalId', o.external_id),
                   'line', jsonb_build_object('id', l.id, 'sku', l.sku_code, 'title', l.title, 'unitPriceMinor', l.unit_price_minor),
                   'from', ${windowSql(sql`c.old_ship_start`, sql`c.old_ship_end`)},
                   'to', ${windowSql(sql`c.new_ship_start`, sql`c.new_ship_end`)},
                   'reason', c.reason,
                   'note', c.note,
                   'purchaseOrder', case when po.id is null then null else jsonb_build_object(
                     'reference', po.reference,
                     'note', case when c.reason in ('po_delayed', 'po_advanced') then
                       (select d.note from purchase_order_date_changes d
                        where d.purchase_order_id = po.id and d.changed_at <= c.at
                        order by d.changed_at desc, d.id desc limit 1) end) end,
                   'changedBy', ${actedBy(params.actor)}::text)) as payload
        from c
        join order_lines l on l.id = c.order_line_id
        join orders o on o.id = c.order_id
        join merchants m on m.id = c.merchant_id
        left join purchase_orders po on po.id = c.purchase_order_id
        order by c.eta_event_id`,
    params.now,
  );
}

/** Loads what `publicationsOf` needs for a change's events and publishes them. */
export async function publishDomainEvents(tx: DbOrTx, change: RecordedChange): Promise<number> {
  if (change.events.length === 0) return 0;
  const orderIds = [...new Set(change.events.map((e) => e.orderId))];
  const lineIds = [
    ...new Set(
      change.events.flatMap((e) =>
        isEventOf(e, "line_swapped")
          ? [e.orderLineId, e.payload.newLineId]
          : e.orderLineId == null
            ? []
            : [e.orderLineId],
      ),
    ),
  ];
  const shipmentIds = [
    ...new Set(
      change.events.flatMap((e) => (isEventOf(e, "line_shipped", "shipment_delivered") ? [e.payload.shipmentId] : [])),
    ),
  ];
  const orderRows = await rows<Record<string, unknown>>(
    tx,
    sql`select o.id, m.slug, o.number, o.external_id, o.currency, o.merchant_id
        from orders o join merchants m on m.id = o.merchant_id where o.id = any(${uuidArray(orderIds)})`,
  );
  const lineRows =
    lineIds.length === 0
      ? []
      : await rows<Record<string, unknown>>(
          tx,
          sql`select id, sku_code, title, unit_price_minor, quantity, ship_start::text, ship_end::text,
                     delivery_start::text, delivery_end::text, eta_basis, queue_position
              from order_lines where id = any(${bigintArray(lineIds)})`,
        );
  const shipmentRows =
    shipmentIds.length === 0
      ? []
      : await rows<Record<string, unknown>>(
          tx,
          sql`select id, external_id, carrier, tracking_number, tracking_url, shipped_at, delivered_at
              from shipments where id = any(${uuidArray(shipmentIds)})`,
        );
  const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());
  const publications = publicationsOf({
    events: change.events,
    actor: change.actor,
    now: change.now,
    orders: new Map(
      orderRows.map((o) => [
        o.id as string,
        {
          id: o.id as string,
          number: o.number as string,
          externalId: (o.external_id as string | null) ?? null,
          merchantId: o.merchant_id as string,
          merchantSlug: o.slug as string,
          currency: o.currency as string,
        },
      ]),
    ),
    lines: new Map(
      lineRows.map((l) => [
        Number(l.id),
        {
          id: Number(l.id),
          sku: l.sku_code as string,
          title: l.title as string,
          unitPriceMinor: Number(l.unit_price_minor),
          quantity: Number(l.quantity),
          ...lineWindows(l),
          basis: l.eta_basis as string,
          queuePosition: Number(l.queue_position),
        },
      ]),
    ),
    shipments: new Map(
      shipmentRows.map((s) => [
        s.id as string,
        {
          id: s.id as string,
          externalId: (s.external_id as string | null) ?? null,
          carrier: (s.carrier as string | null) ?? null,
          trackingNumber: (s.tracking_number as string | null) ?? null,
          trackingUrl: (s.tracking_url as string | null) ?? null,
          shippedAt: iso(s.shipped_at)!,
          deliveredAt: iso(s.delivered_at),
        },
      ]),
    ),
  });
  return publish(tx, publications, change.now);
}

/** The merchant's events (feed and webhooks), for every recorded change. */
export const publishedEventsSubscriber: ChangeSubscriber = {
  name: "published events",
  eventTypes: domainEventTypes,
  etaChanges: true,
  async write(tx, change) {
    await publishDomainEvents(tx, change);
    await publishEtaChanges(tx, {
      etaEventIds: change.etaChanges.filter((c) => c.reason !== "initial").map((c) => c.eventId),
      actor: change.actor,
      now: change.now,
    });
  },
};
