import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { id, merchantId, moment, now, sameShopKey, serialId } from "./columns";
import { skus } from "./catalog";
import { purchaseOrders } from "./supply";

export const customers = pgTable(
  "customers",
  {
    id: id(),
    merchantId: merchantId(),
    email: text().notNull(),
    name: text(),
    createdAt: now(),
  },
  (t) => [
    unique("customers_merchant_email").on(t.merchantId, t.email),
    unique("customers_merchant_id").on(t.merchantId, t.id),
    check("customers_email_lower", sql`${t.email} = lower(${t.email})`),
  ],
);

export const orderChannels = ["web", "shopify", "api", "pos", "phone"] as const;
export const fulfillmentPreferences = ["ship_available", "ship_together"] as const;
export type FulfillmentPreference = (typeof fulfillmentPreferences)[number];

export type ShippingAddress = {
  name?: string;
  line1?: string;
  line2?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  country?: string;
};

export const orders = pgTable(
  "orders",
  {
    id: id(),
    merchantId: merchantId(),
    /** The number the shopper sees, e.g. `#1001`; unique per merchant. */
    number: text().notNull(),
    channel: text({ enum: orderChannels }).notNull().default("web"),
    customerId: uuid(),
    /** Lower-cased; the lookup key together with `number`. */
    email: text().notNull(),
    customerName: text(),
    /** `customer_name` folded for search (lower case, accents off), stored so no search folds it per row. */
    customerNameSearch: text().generatedAlwaysAs(sql`search_normalize(customer_name)`),
    shippingAddress: jsonb().$type<ShippingAddress>(),
    currency: text().notNull(),
    placedAt: moment().notNull(),
    fulfillmentPreference: text({ enum: fulfillmentPreferences }).notNull().default("ship_available"),
    /** Per-order choice for ETA-change emails; null follows the shopper's global preference. */
    etaUpdates: boolean(),
    /** The merchant's id for this order (e.g. Shopify's order id). */
    externalId: text(),
    /** Signed view links issued before this moment no longer open the order. */
    viewLinksRevokedAt: moment(),
    /** When the last open line shipped or was cancelled; view links expire 30 days later. */
    closedAt: moment(),
    createdAt: now(),
    updatedAt: now(),
  },
  (t) => [
    unique("orders_merchant_number").on(t.merchantId, t.number),
    unique("orders_merchant_id").on(t.merchantId, t.id),
    uniqueIndex("orders_merchant_external_id")
      .on(t.merchantId, t.externalId)
      .where(sql`${t.externalId} is not null`),
    sameShopKey("orders_customer_fk", t.merchantId, t.customerId, customers),
    index("orders_email_idx").on(t.email, t.placedAt),
    index("orders_merchant_placed_idx").on(t.merchantId, t.placedAt),
    check("orders_email_lower", sql`${t.email} = lower(${t.email})`),
    check("orders_number_nonempty", sql`length(${t.number}) between 1 and 64`),
    check("orders_channel", sql`${t.channel} in ('web','shopify','api','pos','phone')`),
    check("orders_fulfillment_preference", sql`${t.fulfillmentPreference} in ('ship_available','ship_together')`),
  ],
);

export const lineStatuses = ["ready", "backordered", "preorder", "shipped", "cancelled", "swapped"] as const;
export type LineStatus = (typeof lineStatuses)[number];

/** What a line's ship window rests on. */
export const etaBases = ["stock", "po", "release", "unknown", "override"] as const;
export type EtaBasis = (typeof etaBases)[number];

export const consentStates = ["none", "notified", "awaiting", "accepted", "expired"] as const;
export type ConsentState = (typeof consentStates)[number];

/**
 * One SKU on an order. Units move from open to allocated (stock promised) to shipped, or to
 * cancelled; `status` sums that up for people. The current ETA is kept here for fast reads and
 * every change of it is an `eta_events` row.
 */
export const orderLines = pgTable(
  "order_lines",
  {
    id: serialId(),
    merchantId: uuid().notNull(),
    orderId: uuid().notNull(),
    skuId: uuid().notNull(),
    /** Copied from the SKU when ordered, so the order reads the same if the catalogue changes. */
    skuCode: text().notNull(),
    title: text().notNull(),
    unitPriceMinor: integer().notNull(),
    quantity: integer().notNull(),
    allocatedQuantity: integer().notNull().default(0),
    shippedQuantity: integer().notNull().default(0),
    cancelledQuantity: integer().notNull().default(0),
    status: text({ enum: lineStatuses }).notNull(),
    /** The order's placed time, copied so the per-SKU queue is one index scan. */
    placedAt: moment().notNull(),
    /** Ordered while the SKU's policy was `deny` and it had no stock: the shop took the money anyway. */
    acceptedOnDeny: boolean().notNull().default(false),
    swappedFromLineId: bigint({ mode: "number" }),
    swappedToLineId: bigint({ mode: "number" }),

    // Current ETA (dates in the merchant's time zone).
    shipStart: date({ mode: "string" }),
    shipEnd: date({ mode: "string" }),
    deliveryStart: date({ mode: "string" }),
    deliveryEnd: date({ mode: "string" }),
    etaBasis: text({ enum: etaBases }).notNull().default("unknown"),
    basisPurchaseOrderId: uuid(),
    /** The date the basis rests on: the PO's expected date, the release date, or the day stock was promised. */
    basisDate: date({ mode: "string" }),
    /** Units ahead of this line in its SKU's queue. */
    queuePosition: integer().notNull().default(0),
    /** Order lines ahead of this one in the queue, for "12 orders ahead of yours". */
    linesAhead: integer().notNull().default(0),
    /** How many times the ship window moved later; two or more is a rolling backorder. */
    etaPushes: integer().notNull().default(0),
    /** The first window we showed, kept to measure our own honesty. */
    firstShipStart: date({ mode: "string" }),
    firstShipEnd: date({ mode: "string" }),
    etaOverrideNote: text(),
    etaUpdatedAt: moment(),

    // Delay consent (FTC mail-order rule).
    /** The ship date the shopper last agreed to, explicitly or by a short silent delay. */
    promisedShipEnd: date({ mode: "string" }),
    consentState: text({ enum: consentStates }).notNull().default("none"),
    /** Without "keep waiting" by then, the line is cancelled and the merchant told to refund. */
    consentDeadline: moment(),

    shippedAt: moment(),
    cancelledAt: moment(),
    createdAt: now(),
    updatedAt: now(),
  },
  (t) => [
    sameShopKey("order_lines_order_fk", t.merchantId, t.orderId, orders),
    sameShopKey("order_lines_sku_fk", t.merchantId, t.skuId, skus),
    foreignKey({
      name: "order_lines_basis_po_fk",
      columns: [t.basisPurchaseOrderId],
      foreignColumns: [purchaseOrders.id],
    }).onDelete("set null"),
    index("order_lines_order_idx").on(t.orderId),
    // The queue of each SKU: open lines first come first served.
    index("order_lines_queue_idx")
      .on(t.skuId, t.placedAt, t.id)
      .where(sql`${t.status} in ('backordered','preorder','ready')`),
    index("order_lines_basis_po_idx")
      .on(t.basisPurchaseOrderId)
      .where(sql`${t.basisPurchaseOrderId} is not null`),
    index("order_lines_consent_deadline_idx")
      .on(t.consentDeadline)
      .where(sql`${t.consentDeadline} is not null`),
    index("order_lines_sku_code_idx").on(t.merchantId, t.skuCode),
    check("order_lines_quantity", sql`${t.quantity} > 0`),
    check("order_lines_price", sql`${t.unitPriceMinor} >= 0`),
    check(
      "order_lines_units",
      sql`${t.allocatedQuantity} >= 0 and ${t.shippedQuantity} >= 0 and ${t.cancelledQuantity} >= 0
        and ${t.allocatedQuantity} + ${t.shippedQuantity} + ${t.cancelledQuantity} <= ${t.quantity}`,
    ),
    check("order_lines_status", sql`${t.status} in ('ready','backordered','preorder','shipped','cancelled','swapped')`),
    // A closed status means no open units, and an open status means some.
    check(
      "order_lines_status_matches_units",
      sql`(${t.status} in ('shipped','cancelled','swapped')) = (${t.shippedQuantity} + ${t.cancelledQuantity} = ${t.quantity})`,
    ),
    check("order_lines_shipped_status", sql`${t.status} <> 'shipped' or ${t.shippedQuantity} > 0`),
    check(
      "order_lines_ready_allocated",
      sql`${t.status} <> 'ready' or ${t.allocatedQuantity} = ${t.quantity} - ${t.shippedQuantity} - ${t.cancelledQuantity}`,
    ),
    check("order_lines_basis", sql`${t.etaBasis} in ('stock','po','release','unknown','override')`),
    check("order_lines_window", sql`${t.shipStart} is null or ${t.shipEnd} >= ${t.shipStart}`),
    check("order_lines_consent_state", sql`${t.consentState} in ('none','notified','awaiting','accepted','expired')`),
  ],
);

export const shipments = pgTable(
  "shipments",
  {
    id: id(),
    merchantId: uuid().notNull(),
    orderId: uuid().notNull(),
    carrier: text(),
    trackingNumber: text(),
    trackingUrl: text(),
    shippedAt: moment().notNull(),
    /** When the carrier handed it over (from the shop's systems); null until then. */
    deliveredAt: moment(),
    externalId: text(),
    createdAt: now(),
  },
  (t) => [
    unique("shipments_merchant_id").on(t.merchantId, t.id),
    sameShopKey("shipments_order_fk", t.merchantId, t.orderId, orders),
    uniqueIndex("shipments_merchant_external_id")
      .on(t.merchantId, t.externalId)
      .where(sql`${t.externalId} is not null`),
    index("shipments_order_idx").on(t.orderId),
    index("shipments_tracking_idx").on(t.merchantId, t.trackingNumber),
  ],
);

export const shipmentLines = pgTable(
  "shipment_lines",
  {
    shipmentId: uuid()
      .notNull()
      .references(() => shipments.id, { onDelete: "cascade" }),
    orderLineId: bigint({ mode: "number" })
      .notNull()
      .references(() => orderLines.id),
    quantity: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.shipmentId, t.orderLineId] }),
    index("shipment_lines_line_idx").on(t.orderLineId),
    check("shipment_lines_quantity", sql`${t.quantity} > 0`),
  ],
);

export const etaReasons = [
  "initial",
  "po_created",
  "po_delayed",
  "po_advanced",
  "po_received",
  "po_cancelled",
  "queue_moved",
  "manual",
] as const;
export type EtaReason = (typeof etaReasons)[number];

/** One change of a line's ship window, with why. The history shoppers and agents see. */
export const etaEvents = pgTable(
  "eta_events",
  {
    id: serialId(),
    merchantId: uuid().notNull(),
    orderId: uuid().notNull(),
    orderLineId: bigint({ mode: "number" }).notNull(),
    oldShipStart: date({ mode: "string" }),
    oldShipEnd: date({ mode: "string" }),
    newShipStart: date({ mode: "string" }),
    newShipEnd: date({ mode: "string" }),
    oldBasis: text({ enum: etaBases }),
    newBasis: text({ enum: etaBases }).notNull(),
    /** The date the new window rests on (the PO's expected date, the release date, the day stock was promised). */
    basisDate: date({ mode: "string" }),
    reason: text({ enum: etaReasons }).notNull(),
    note: text(),
    purchaseOrderId: uuid(),
    at: now(),
  },
  // No foreign keys: rows are written only by the recompute, from the line itself (lines are never
  // deleted), and a PO slip writes tens of thousands at once, where each key check costs.
  (t) => [
    index("eta_events_line_idx").on(t.orderLineId, t.at),
    index("eta_events_order_idx").on(t.orderId, t.at),
    check(
      "eta_events_reason",
      sql`${t.reason} in ('initial','po_created','po_delayed','po_advanced','po_received','po_cancelled','queue_moved','manual')`,
    ),
  ],
);

export type Customer = typeof customers.$inferSelect;
export type Order = typeof orders.$inferSelect;
export type NewOrder = typeof orders.$inferInsert;
export type OrderLine = typeof orderLines.$inferSelect;
export type NewOrderLine = typeof orderLines.$inferInsert;
export type Shipment = typeof shipments.$inferSelect;
export type EtaEvent = typeof etaEvents.$inferSelect;
