import { sql } from "drizzle-orm";
import type { Actor } from "../../audit/actor";
import { rows, type DbOrTx } from "../../db/client";
import { webhookDeliveries } from "../../db/schema/integrations";
import { bigintArray, uuidArray } from "../../db/sql-helpers";
import {
  isEventOf,
  type ChangeSubscriber,
  type DomainEvent,
  type DomainEventType,
  type EventOf,
  type RecordedChange,
} from "../../events/types";
import { newMessageId } from "./signing";

// The events merchants hear about, and writing them as deliveries in the transaction of the change
// (called from recordChange): a change that rolls back sends nothing, one that commits cannot
// forget to tell the shop. The worker sends them later (deliver.ts).

export const webhookEventTypes = {
  line_cancelled: "order_line.cancelled",
  line_swapped: "order_line.swapped",
  delay_consent_expired: "order_line.delay_consent_expired",
  fulfillment_preference_changed: "order.fulfillment_preference_changed",
} as const satisfies Partial<Record<DomainEventType, string>>;

export type WebhookEventType = (typeof webhookEventTypes)[keyof typeof webhookEventTypes];

const sentTypes = Object.keys(webhookEventTypes) as (keyof typeof webhookEventTypes)[];
type SentEvent = EventOf<(typeof sentTypes)[number]>;
const isSent = (event: DomainEvent): event is SentEvent => isEventOf(event, ...sentTypes);

/** Who acted, in the merchant's words: the shop's own systems (API, Shopify) are `shop`. */
export type ActedBy = "shopper" | "agent" | "shop" | "system";

export function actedBy(actor: Actor): ActedBy {
  if (actor.type === "shopper" || actor.type === "agent" || actor.type === "system") return actor.type;
  return "shop";
}

export type Money = { amountMinor: number; currency: string };
export type OrderRef = { id: string; number: string; externalId: string | null };
export type LineRef = { id: number; sku: string; title: string; unitPriceMinor: number };

export type WebhookPayload =
  | {
      type: "order_line.cancelled" | "order_line.delay_consent_expired";
      timestamp: string;
      data: {
        merchant: string;
        order: OrderRef;
        line: LineRef;
        units: number;
        cancelledBy: ActedBy;
        source: string;
        reason: string | null;
        refund: Money;
      };
    }
  | {
      type: "order_line.swapped";
      timestamp: string;
      data: {
        merchant: string;
        order: OrderRef;
        line: LineRef;
        newLine: LineRef;
        units: number;
        swappedBy: ActedBy;
        source: string;
        /** (new unit price − old unit price) × units: negative when the new item is cheaper. */
        priceDifference: Money;
        refund: Money;
      };
    }
  | {
      type: "order.fulfillment_preference_changed";
      timestamp: string;
      data: { merchant: string; order: OrderRef; from: string; to: string; changedBy: ActedBy; source: string };
    };

type OrderFacts = { id: string; merchantSlug: string; number: string; externalId: string | null; currency: string };

/**
 * The payloads for a change's events. Pure: the caller loads the orders and lines involved. An
 * event whose order or line is missing is skipped rather than sent half-filled.
 */
export function webhookPayloads(input: {
  events: readonly DomainEvent[];
  actor: Actor;
  now: Date;
  orders: ReadonlyMap<string, OrderFacts>;
  lines: ReadonlyMap<number, LineRef>;
}): { event: SentEvent; payload: WebhookPayload }[] {
  const { actor, now, orders, lines } = input;
  const timestamp = now.toISOString();
  const by = actedBy(actor);
  const source = actor.type;
  const out: { event: SentEvent; payload: WebhookPayload }[] = [];
  for (const event of input.events) {
    if (!isSent(event)) continue;
    const order = orders.get(event.orderId);
    if (!order) continue;
    const orderRef: OrderRef = { id: order.id, number: order.number, externalId: order.externalId };
    if (isEventOf(event, "line_cancelled", "delay_consent_expired")) {
      const line = lines.get(event.orderLineId);
      if (!line) continue;
      const noConsent = event.type === "delay_consent_expired";
      out.push({
        event,
        payload: {
          type: webhookEventTypes[event.type],
          timestamp,
          data: {
            merchant: order.merchantSlug,
            order: orderRef,
            line,
            units: event.payload.units,
            cancelledBy: noConsent ? "system" : by,
            source,
            reason: noConsent
              ? "The shopper did not agree to the later ship date before the deadline."
              : event.payload.reason,
            refund: { amountMinor: event.payload.refundMinor, currency: order.currency },
          },
        },
      });
    } else if (isEventOf(event, "line_swapped")) {
      const line = lines.get(event.orderLineId);
      const newLine = lines.get(event.payload.newLineId);
      if (!line || !newLine) continue;
      const { units } = event.payload;
      out.push({
        event,
        payload: {
          type: webhookEventTypes.line_swapped,
          timestamp,
          data: {
            merchant: order.merchantSlug,
            order: orderRef,
            line,
            newLine,
            units,
            swappedBy: by,
            source,
            priceDifference: {
              amountMinor: (newLine.unitPriceMinor - line.unitPriceMinor) * units,
              currency: order.currency,
            },
            refund: { amountMinor: event.payload.refundMinor, currency: order.currency },
          },
        },
      });
    } else if (isEventOf(event, "fulfillment_preference_changed")) {
      out.push({
        event,
        payload: {
          type: webhookEventTypes.fulfillment_preference_changed,
          timestamp,
          data: {
            merchant: order.merchantSlug,
            order: orderRef,
            from: event.payload.from,
            to: event.payload.to,
            changedBy: by,
            source,
          },
        },
      });
    }
  }
  return out;
}

/**
 * The deliveries a change's events ask for: one per event and enabled endpoint of its merchant.
 * Nothing is read when no event concerns merchants, and only the endpoints when the merchant has
 * none; then a few set-based reads and one insert, whatever the number of events.
 */
export async function writeWebhookDeliveries(tx: DbOrTx, change: RecordedChange): Promise<number> {
  const relevant = change.events.filter(isSent);
  if (relevant.length === 0) return 0;
  const merchantIds = [...new Set(relevant.map((e) => e.merchantId))];
  const endpoints = await rows<{ id: string; merchant_id: string }>(
    tx,
    sql`select id, merchant_id from webhook_endpoints where merchant_id = any(${uuidArray(merchantIds)}) and enabled`,
  );
  if (endpoints.length === 0) return 0;

  const orderIds = [...new Set(relevant.map((e) => e.orderId))];
  const lineIds = [
    ...new Set(
      relevant.flatMap((e) =>
        isEventOf(e, "line_swapped")
          ? [e.orderLineId, e.payload.newLineId]
          : e.orderLineId == null
            ? []
            : [e.orderLineId],
      ),
    ),
  ];
  const orderRows = await rows<{
    id: string;
    slug: string;
    number: string;
    external_id: string | null;
    currency: string;
    merchant_id: string;
  }>(
    tx,
    sql`select o.id, m.slug, o.number, o.external_id, o.currency, o.merchant_id
        from orders o join merchants m on m.id = o.merchant_id where o.id = any(${uuidArray(orderIds)})`,
  );
  const lineRows =
    lineIds.length === 0
      ? []
      : await rows<{ id: number; sku_code: string; title: string; unit_price_minor: number }>(
          tx,
          sql`select id, sku_code, title, unit_price_minor from order_lines where id = any(${bigintArray(lineIds)})`,
        );
  const payloads = webhookPayloads({
    events: relevant,
    actor: change.actor,
    now: change.now,
    orders: new Map(
      orderRows
        .filter((o) => merchantIds.includes(o.merchant_id))
        .map((o) => [
          o.id,
          { id: o.id, merchantSlug: o.slug, number: o.number, externalId: o.external_id, currency: o.currency },
        ]),
    ),
    lines: new Map(
      lineRows.map((l) => [
        Number(l.id),
        { id: Number(l.id), sku: l.sku_code, title: l.title, unitPriceMinor: Number(l.unit_price_minor) },
      ]),
    ),
  });
  const values = payloads.flatMap(({ event, payload }) =>
    endpoints
      .filter((e) => e.merchant_id === event.merchantId)
      .map((endpoint) => ({
        id: newMessageId(),
        merchantId: event.merchantId,
        endpointId: endpoint.id,
        eventType: payload.type,
        payload: payload as unknown as Record<string, unknown>,
        status: "pending" as const,
        nextAttemptAt: change.now,
        createdAt: change.now,
      })),
  );
  if (values.length > 0) await tx.insert(webhookDeliveries).values(values);
  return values.length;
}

/** The merchant's webhooks, for every recorded change: cancels, swaps, consent expiries and shipping choices. */
export const webhookSubscriber: ChangeSubscriber = {
  name: "webhooks",
  eventTypes: sentTypes,
  etaChanges: false,
  async write(tx, change) {
    await writeWebhookDeliveries(tx, change);
  },
};
