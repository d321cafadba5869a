import { z } from "zod";
import { etaReasons, fulfillmentPreferences } from "../db/schema/orders";

// The events a merchant's systems hear about, by webhook and through GET /api/v1/events: one zod
// schema per type is its `data`, and every event is the same envelope `{ id, type, timestamp,
// data }`. The OpenAPI document's `webhooks` section is generated from these, with the examples
// below; the tests check every delivered event against its schema. Built from the typed domain
// events and ETA changes by lib/events/published.ts.

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const isoInstant = z.string().describe("ISO 8601 instant (UTC)");

export const orderRefSchema = z.object({
  id: z.string(),
  number: z.string(),
  externalId: z.string().nullable().describe("Your id for the order (Shopify's order id)"),
});
export const lineRefSchema = z.object({
  id: z.number().int(),
  sku: z.string(),
  title: z.string(),
  unitPriceMinor: z.number().int(),
});
const money = z.object({ amountMinor: z.number().int(), currency: z.string() });
const window = z
  .object({ start: isoDay, end: isoDay })
  .nullable()
  .describe("A window of calendar days in the shop's time zone; null: no date");
export const actedBySchema = z
  .enum(["shopper", "agent", "shop", "system"])
  .describe("Who acted: the shopper, a support agent, the shop's own systems (API, Shopify), or a deadline");
const source = z.string().describe("The exact kind of actor (shopper, agent, api, shopify, system)");

const base = { merchant: z.string().describe("The shop's slug"), order: orderRefSchema };

const cancelled = z.object({
  ...base,
  line: lineRefSchema,
  units: z.number().int(),
  cancelledBy: actedBySchema,
  source,
  reason: z.string().nullable(),
  refund: money,
});

const shipment = {
  id: z.string(),
  externalId: z.string().nullable().describe("Your shipment id, as sent to POST /shipments"),
  carrier: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  trackingUrl: z.string().nullable(),
  shippedAt: isoInstant,
};

export const eventDataSchemas = {
  "order.backordered": z
    .object({
      ...base,
      lines: z.array(
        lineRefSchema.extend({
          quantity: z.number().int(),
          waiting: z.number().int().describe("Units waiting for stock"),
          preorder: z.boolean(),
          acceptedOnDeny: z.boolean().describe("Accepted although the SKU's policy denies backorders"),
          shipWindow: window,
          deliveryWindow: window,
          basis: z.string().describe("What the window rests on: stock, po, release or unknown"),
          queuePosition: z.number().int().describe("Units ahead of this line in the SKU's queue"),
        }),
      ),
    })
    .describe("An order came in with lines that wait for stock (or for their release)"),
  "line.eta_changed": z
    .object({
      ...base,
      line: lineRefSchema,
      from: window,
      to: window,
      reason: z.enum(etaReasons.filter((r) => r !== "initial") as [string, ...string[]]),
      note: z.string().nullable().describe("Support's note (reason manual)"),
      purchaseOrder: z
        .object({ reference: z.string(), note: z.string().nullable().describe("The note on the PO's date change") })
        .nullable(),
      changedBy: actedBySchema,
    })
    .describe("A line's ship window changed, and why"),
  "delay_notice.sent": z
    .object({
      ...base,
      line: lineRefSchema,
      notice: z.object({
        id: z.number().int(),
        kind: z.enum(["first", "renewed"]),
        promisedShipEnd: isoDay.describe("The date that will be missed"),
        newShipWindow: window,
        consentNeeded: z.boolean().describe("Without a 'keep waiting' by the deadline the line is cancelled"),
        deadline: isoInstant.nullable(),
      }),
    })
    .describe("The shopper was told the line will miss its promised date (US FTC mail-order rule)"),
  "delay_notice.answered": z
    .object({
      ...base,
      line: lineRefSchema,
      notice: z.object({ id: z.number().int() }),
      answer: z.enum(["keep_waiting", "cancel", "expired"]),
      answeredBy: actedBySchema,
    })
    .describe("The shopper answered a delay notice, or its deadline passed without an answer"),
  "line.ready": z
    .object({ ...base, line: lineRefSchema, units: z.number().int() })
    .describe("Stock was promised to every open unit of a line: it can be picked and shipped"),
  "shipment.created": z
    .object({
      ...base,
      shipment: z.object({
        ...shipment,
        lines: z.array(z.object({ line: lineRefSchema, units: z.number().int() })),
      }),
    })
    .describe("A parcel left"),
  "shipment.delivered": z
    .object({ ...base, shipment: z.object({ ...shipment, deliveredAt: isoInstant }) })
    .describe("A parcel was delivered"),
  "order.shipping_preference_changed": z
    .object({
      ...base,
      from: z.enum(fulfillmentPreferences),
      to: z.enum(fulfillmentPreferences),
      changedBy: actedBySchema,
      source,
    })
    .describe("Ship what is ready now, or everything together"),
  "order_line.cancelled": cancelled.describe("Units of a line were cancelled: refund them"),
  "order_line.delay_consent_expired": cancelled.describe(
    "The shopper did not agree to a later date in time: the line is cancelled by the system; refund it",
  ),
  "order_line.swapped": z
    .object({
      ...base,
      line: lineRefSchema,
      newLine: lineRefSchema,
      units: z.number().int(),
      swappedBy: actedBySchema,
      source,
      priceDifference: money.describe("(new unit price − old unit price) × units: negative when cheaper"),
      refund: money,
    })
    .describe("A waiting line was swapped to an in-stock item: re-pick, refund the difference"),
} as const;

export type PublicEventType = keyof typeof eventDataSchemas;
export const publicEventTypes = Object.keys(eventDataSchemas) as [PublicEventType, ...PublicEventType[]];
export type PublicEventData<T extends PublicEventType = PublicEventType> = z.infer<(typeof eventDataSchemas)[T]>;

export function isPublicEventType(type: string): type is PublicEventType {
  return Object.hasOwn(eventDataSchemas, type);
}

/** The envelope of one event type, as sent and as listed by the feed. */
export function envelopeSchema<T extends PublicEventType>(type: T) {
  return z.object({
    id: z.string().describe("evt_…: the same in a webhook and in GET /events; de-duplicate on it"),
    type: z.literal(type),
    timestamp: isoInstant.describe("When the change happened"),
    data: eventDataSchemas[type],
  });
}

export type PublicEvent = {
  [T in PublicEventType]: { id: string; type: T; timestamp: string; data: PublicEventData<T> };
}[PublicEventType];

/** Any event of the catalogue, checked by its type. */
export const publicEventSchema = z.discriminatedUnion(
  "type",
  publicEventTypes.map((t) => envelopeSchema(t)) as unknown as [
    ReturnType<typeof envelopeSchema>,
    ...ReturnType<typeof envelopeSchema>[],
  ],
);

const order = { id: "7c0e3c36-6e3e-4f5b-9a07-3c2f1c0b8a11", number: "#1001", externalId: "820982911946154508" };
const line = { id: 4182, sku: "NW-TENT-2P", title: "Tent 2P", unitPriceMinor: 24900 };
const parcel = {
  id: "0b6f1c1e-2a4d-4e59-9d3c-5a1f0e7b9c42",
  externalId: "ship-5521",
  carrier: "UPS",
  trackingNumber: "1Z999AA10123456784",
  trackingUrl: "https://www.ups.com/track?tracknum=1Z999AA10123456784",
  shippedAt: "2026-12-14T09:30:00.000Z",
};

/** One example per type, shown in the OpenAPI document and the README, and checked against its schema. */
export const eventExamples: { [T in PublicEventType]: PublicEventData<T> } = {
  "order.backordered": {
    merchant: "northwind",
    order,
    lines: [
      {
        ...line,
        quantity: 2,
        waiting: 2,
        preorder: false,
        acceptedOnDeny: false,
        shipWindow: { start: "2026-12-11", end: "2026-12-15" },
        deliveryWindow: { start: "2026-12-13", end: "2026-12-20" },
        basis: "po",
        queuePosition: 12,
      },
    ],
  },
  "line.eta_changed": {
    merchant: "northwind",
    order,
    line,
    from: { start: "2026-12-11", end: "2026-12-15" },
    to: { start: "2026-12-18", end: "2026-12-22" },
    reason: "po_delayed",
    note: null,
    purchaseOrder: { reference: "PO-2231", note: "Port congestion in Rotterdam" },
    changedBy: "shop",
  },
  "delay_notice.sent": {
    merchant: "northwind",
    order,
    line,
    notice: {
      id: 311,
      kind: "first",
      promisedShipEnd: "2026-12-15",
      newShipWindow: { start: "2026-12-18", end: "2026-12-22" },
      consentNeeded: false,
      deadline: null,
    },
  },
  "delay_notice.answered": {
    merchant: "northwind",
    order,
    line,
    notice: { id: 311 },
    answer: "keep_waiting",
    answeredBy: "shopper",
  },
  "line.ready": { merchant: "northwind", order, line, units: 2 },
  "shipment.created": { merchant: "northwind", order, shipment: { ...parcel, lines: [{ line, units: 2 }] } },
  "shipment.delivered": {
    merchant: "northwind",
    order,
    shipment: { ...parcel, deliveredAt: "2026-12-16T14:05:00.000Z" },
  },
  "order.shipping_preference_changed": {
    merchant: "northwind",
    order,
    from: "ship_available",
    to: "ship_together",
    changedBy: "shopper",
    source: "shopper",
  },
  "order_line.cancelled": {
    merchant: "northwind",
    order,
    line,
    units: 2,
    cancelledBy: "shopper",
    source: "shopper",
    reason: "Found it elsewhere",
    refund: { amountMinor: 49800, currency: "USD" },
  },
  "order_line.delay_consent_expired": {
    merchant: "northwind",
    order,
    line,
    units: 1,
    cancelledBy: "system",
    source: "system",
    reason: "The shopper did not agree to the later ship date before the deadline.",
    refund: { amountMinor: 24900, currency: "USD" },
  },
  "order_line.swapped": {
    merchant: "northwind",
    order,
    line,
    newLine: { id: 4190, sku: "NW-TENT-1P", title: "Tent 1P", unitPriceMinor: 19900 },
    units: 2,
    swappedBy: "agent",
    source: "agent",
    priceDifference: { amountMinor: -10000, currency: "USD" },
    refund: { amountMinor: 10000, currency: "USD" },
  },
};
