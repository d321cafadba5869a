import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { id, merchantId, moment, now, sameShopKey, serialId } from "./columns";
import { domainEventTypes, type DomainEvent } from "../../events/types";
import type { NotificationPayload, notificationPayloadSchemas } from "../../notifications/payloads";
import { orderLines, orders } from "./orders";

/**
 * What changed, written in the same transaction as the change. Notifications and outgoing
 * webhooks are derived from these rows.
 */
export const domainEvents = pgTable(
  "domain_events",
  {
    id: serialId(),
    merchantId: merchantId(),
    orderId: uuid(),
    orderLineId: bigint({ mode: "number" }),
    type: text({ enum: domainEventTypes }).notNull(),
    payload: jsonb()
      .$type<DomainEvent["payload"]>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    actorType: text().notNull(),
    actorId: text(),
    at: now(),
  },
  (t) => [index("domain_events_order_idx").on(t.orderId, t.at), index("domain_events_type_idx").on(t.type, t.at)],
);

/** PostgreSQL's 64-bit transaction id (xid8), read as text: it passes 2^53 on a busy server. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => "xid8" });

/**
 * The events merchants' systems hear about (lib/events/catalogue.ts), as published: the webhook
 * deliveries are written from these rows, and GET /api/v1/events pages through them in the order
 * of `published_transactions` (see lib/events/feed.ts). `txid` is the transaction that wrote it.
 */
export const publishedEvents = pgTable(
  "published_events",
  {
    /** `evt_…`: the id in the payload, the same in a webhook and in the feed. */
    id: text().primaryKey(),
    seq: bigint({ mode: "number" }).generatedAlwaysAsIdentity().notNull(),
    merchantId: merchantId(),
    type: text().notNull(),
    orderId: uuid(),
    /** The whole event as sent: `{ id, type, timestamp, data }`. */
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    txid: xid8()
      .notNull()
      .default(sql`pg_current_xact_id()`),
    createdAt: now(),
  },
  (t) => [
    index("published_events_txid_idx").on(t.txid, t.merchantId, t.seq),
    index("published_events_order_idx").on(t.orderId),
  ],
);

/**
 * Each transaction that published events for a merchant, numbered in commit order: a deferred
 * trigger (migration 0013) takes the merchant's lock at commit and draws `position` then, so a
 * transaction can only be numbered after the one before it has committed and become visible.
 */
export const publishedTransactions = pgTable(
  "published_transactions",
  {
    txid: xid8().notNull(),
    merchantId: merchantId(),
    position: bigint({ mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.txid, t.merchantId] }),
    uniqueIndex("published_transactions_feed_idx").on(t.merchantId, t.position),
  ],
);

export type PublishedEvent = typeof publishedEvents.$inferSelect;

export const notificationKinds = [
  "backordered",
  "eta_moved",
  "eta_confirmed",
  "shipped",
  "cancelled",
  "swapped",
  "delay_first",
  "delay_renewed",
] as const satisfies readonly (keyof typeof notificationPayloadSchemas)[];
export type NotificationKind = (typeof notificationKinds)[number];

export const notificationStatuses = ["pending", "sending", "sent", "failed", "skipped"] as const;
export type NotificationStatus = (typeof notificationStatuses)[number];

/** The outbox: one email to send, written with the change that causes it. */
export const notifications = pgTable(
  "notifications",
  {
    id: id(),
    merchantId: uuid().notNull(),
    orderId: uuid().notNull(),
    email: text().notNull(),
    kind: text({ enum: notificationKinds }).notNull(),
    payload: jsonb()
      .$type<NotificationPayload>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    status: text({ enum: notificationStatuses }).notNull().default("pending"),
    /** Not sent before this moment (the gathering window for ETA changes). */
    dueAt: now(),
    attempts: integer().notNull().default(0),
    /** The batch it was last sent in; the batch id is the provider's idempotency key. */
    batchId: uuid(),
    /** A worker holds a claimed batch until then; after it, another worker may resend it. */
    leaseUntil: moment(),
    lastError: text(),
    providerMessageId: text(),
    sentAt: moment(),
    createdAt: now(),
    updatedAt: now(),
  },
  (t) => [
    sameShopKey("notifications_order_fk", t.merchantId, t.orderId, orders),
    index("notifications_due_idx")
      .on(t.dueAt)
      .where(sql`${t.status} = 'pending'`),
    index("notifications_batch_idx")
      .on(t.batchId)
      .where(sql`${t.status} = 'sending'`),
    index("notifications_order_idx").on(t.orderId, t.createdAt),
    // At most one gathering ETA-change email per order at a time.
    uniqueIndex("notifications_one_pending_eta_per_order")
      .on(t.orderId)
      .where(sql`${t.status} = 'pending' and ${t.kind} = 'eta_moved'`),
    check(
      "notifications_kind",
      sql`${t.kind} in ('backordered','eta_moved','eta_confirmed','shipped','cancelled','swapped','delay_first','delay_renewed')`,
    ),
    check("notifications_status", sql`${t.status} in ('pending','sending','sent','failed','skipped')`),
  ],
);

/** Mail kept in the database instead of sent, shown at /dev/mailbox (never with a Resend key). */
export const devMailbox = pgTable(
  "dev_mailbox",
  {
    id: serialId(),
    to: text().notNull(),
    from: text().notNull(),
    subject: text().notNull(),
    html: text().notNull(),
    text: text().notNull(),
    headers: jsonb().$type<Record<string, string>>().notNull().default({}),
    idempotencyKey: text(),
    createdAt: now(),
  },
  (t) => [
    index("dev_mailbox_to_idx").on(t.to, t.createdAt),
    uniqueIndex("dev_mailbox_idempotency").on(t.idempotencyKey),
  ],
);

export const delayNoticeKinds = ["first", "renewed"] as const;

/** A delay notice sent under the mail-order rule, and the shopper's answer. */
export const delayNotices = pgTable(
  "delay_notices",
  {
    id: serialId(),
    merchantId: uuid().notNull(),
    orderId: uuid().notNull(),
    orderLineId: bigint({ mode: "number" })
      .notNull()
      .references(() => orderLines.id),
    kind: text({ enum: delayNoticeKinds }).notNull(),
    /** The revised ship date offered, or null when there is none. */
    newShipEnd: date({ mode: "string" }),
    /** Explicit consent is needed by then; null when silence keeps the order. */
    consentDeadline: moment(),
    response: text({ enum: ["keep_waiting", "cancel"] }),
    respondedAt: moment(),
    createdAt: now(),
  },
  (t) => [
    sameShopKey("delay_notices_order_fk", t.merchantId, t.orderId, orders),
    index("delay_notices_line_idx").on(t.orderLineId, t.createdAt),
    check("delay_notices_kind", sql`${t.kind} in ('first','renewed')`),
  ],
);

/** A shopper's choices, by email, across merchants. */
export const emailPreferences = pgTable(
  "email_preferences",
  {
    email: text().primaryKey(),
    etaUpdates: boolean().notNull().default(true),
    updatedAt: now(),
  },
  (t) => [check("email_preferences_lower", sql`${t.email} = lower(${t.email})`)],
);

export type DomainEventRow = typeof domainEvents.$inferSelect;
export type Notification = typeof notifications.$inferSelect;
export type NewNotification = typeof notifications.$inferInsert;
export type DevMail = typeof devMailbox.$inferSelect;
export type DelayNotice = typeof delayNotices.$inferSelect;

/**
 * ETA changes waiting to be gathered into their orders' emails (lib/notifications/outbox.ts): a
 * change that re-dates many lines (a PO slip) writes one row here in its transaction, and the
 * worker turns it into the emails in order, so the slip's transaction stays short.
 */
export const etaGatherings = pgTable("eta_gatherings", {
  id: serialId(),
  /** The `eta_events` to gather. */
  eventIds: bigint({ mode: "number" }).array().notNull(),
  /** When the change happened: the emails' gathering window runs from here. */
  at: moment().notNull(),
});
