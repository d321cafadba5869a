import { z } from "zod";
import type { Actor } from "../audit/actor";
import type { DbOrTx } from "../db/client";
import { fulfillmentPreferences } from "../db/schema/orders";
import type { EtaChange } from "../eta/recompute";

// What a change did, as typed domain events: one zod schema per type is its payload, and
// `DomainEvent` is the union of them by `type`. Written to `domain_events` in the change's
// transaction (lib/events/record.ts), and handed to the subscribers that turn them into emails and
// webhooks (lib/events/subscribers.ts).

const units = z.number().int().nonnegative();
const minor = z.number().int();
const sku = z.string().min(1);

const waiting = z.object({
  sku,
  /** Units of the line still waiting for stock when it was accepted. */
  waiting: units,
  /** Accepted while its SKU denied backorders (the shop's system sent it anyway). */
  acceptedOnDeny: z.boolean(),
});
const cancelled = z.object({ sku, units, refundMinor: minor, reason: z.string().nullable() });

export const domainEventSchemas = {
  line_backordered: waiting,
  line_preordered: waiting,
  line_ready: z.object({ units }),
  line_shipped: z.object({
    sku,
    units,
    shipmentId: z.uuid(),
    carrier: z.string().nullable(),
    trackingNumber: z.string().nullable(),
    trackingUrl: z.string().nullable(),
  }),
  line_cancelled: cancelled,
  /** The shopper did not agree to a later date in time: cancelled by the system, to be refunded. */
  delay_consent_expired: cancelled,
  line_swapped: z.object({
    fromSku: sku,
    toSku: sku,
    newLineId: z.number().int().positive(),
    units,
    /** (old unit price − new unit price) × units, never negative: swaps go to the same or a lower price. */
    refundMinor: minor,
  }),
  fulfillment_preference_changed: z.object({
    from: z.enum(fulfillmentPreferences),
    to: z.enum(fulfillmentPreferences),
  }),
  /** A delay notice went out under the mail-order rule (lib/notifications/consent.ts). */
  delay_notice_sent: z.object({
    noticeId: z.number().int().positive(),
    kind: z.enum(["first", "renewed"]),
    promisedShipEnd: z.string(),
    newShipStart: z.string().nullable(),
    newShipEnd: z.string().nullable(),
    consentNeeded: z.boolean(),
    /** ISO instant, or null when silence keeps the order. */
    deadline: z.string().nullable(),
  }),
  /** The shopper answered a delay notice, or its deadline passed without an answer (`expired`). */
  delay_notice_answered: z.object({
    noticeId: z.number().int().positive(),
    answer: z.enum(["keep_waiting", "cancel", "expired"]),
  }),
  /** The carrier handed a parcel over. */
  shipment_delivered: z.object({ shipmentId: z.uuid(), deliveredAt: z.string() }),
} as const;

export type DomainEventType = keyof typeof domainEventSchemas;
export const domainEventTypes = Object.keys(domainEventSchemas) as [DomainEventType, ...DomainEventType[]];

export type DomainEventPayload<T extends DomainEventType = DomainEventType> = z.infer<(typeof domainEventSchemas)[T]>;

/** Events about the order as a whole; every other type is about one of its lines. */
type OrderEventType = "fulfillment_preference_changed" | "shipment_delivered";

/** One event of a change, typed by `type`: a wrong payload for its type does not compile. */
export type DomainEvent = {
  [T in DomainEventType]: {
    type: T;
    merchantId: string;
    orderId: string;
    payload: DomainEventPayload<T>;
  } & (T extends OrderEventType ? { orderLineId?: null } : { orderLineId: number });
}[DomainEventType];

/** The event of type `T`, e.g. `EventOf<"line_swapped">`. */
export type EventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;

export function isEventOf<T extends DomainEventType>(event: DomainEvent, ...types: readonly T[]): event is EventOf<T> {
  return (types as readonly DomainEventType[]).includes(event.type);
}

/** Checks a payload against its type's schema: a mismatch is a bug in the change, caught before anything is written. */
export function checkedEvent(event: DomainEvent): DomainEvent {
  const parsed = domainEventSchemas[event.type].safeParse(event.payload);
  if (!parsed.success) {
    throw new Error(`Domain event ${event.type} has a malformed payload: ${parsed.error.issues[0]!.message}`);
  }
  return event;
}

/** Everything a change did, as recordChange hands it to each subscriber. */
export type RecordedChange = {
  actor: Actor;
  now: Date;
  events: readonly DomainEvent[];
  etaChanges: readonly EtaChange[];
  /** A change that re-dates more lines than this leaves their ETA emails to the worker (lib/notifications/outbox.ts). */
  inlineEtaEmails?: number;
};

/**
 * What a subscriber's pure part reads: a change's events, who made it and when, and the orders and
 * lines the events name, loaded by the subscriber in the shape it needs.
 */
export type ChangeFacts<Order, Line> = Pick<RecordedChange, "actor" | "now" | "events"> & {
  orders: ReadonlyMap<string, Order>;
  lines: ReadonlyMap<number, Line>;
};

/**
 * Something that follows from changes (the outbox's emails, the merchant's webhooks): it writes its
 * rows in the change's transaction, so a rolled-back change leaves none. `eventTypes` and
 * `etaChanges` say what it reacts to.
 */
export type ChangeSubscriber = {
  name: string;
  eventTypes: readonly DomainEventType[];
  etaChanges: boolean;
  write(tx: DbOrTx, change: RecordedChange): Promise<void>;
};
