import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { merchants } from "./merchants";
import { skus } from "./catalog";

/** Keys for the ingest API. Only a SHA-256 of the key is stored; the key is shown once. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid().primaryKey().defaultRandom(),
    merchantId: uuid()
      .notNull()
      .references(() => merchants.id),
    name: text().notNull(),
    /** The first characters of the key, so people can tell keys apart. */
    prefix: text().notNull(),
    keyHash: text().notNull().unique(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("api_keys_merchant_idx").on(t.merchantId)],
);

/** The first answer to a POST with an `Idempotency-Key`, replayed for retries. */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    merchantId: uuid()
      .notNull()
      .references(() => merchants.id),
    key: text().notNull(),
    /** Method, path and a hash of the body: the same key with another request is refused. */
    requestFingerprint: text().notNull(),
    statusCode: integer().notNull(),
    /** The exact JSON sent the first time, replayed byte for byte. */
    responseBody: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.key] }), index("idempotency_keys_created_idx").on(t.createdAt)],
);

/** Where a merchant hears about cancels and swaps (Standard Webhooks). */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: uuid().primaryKey().defaultRandom(),
    merchantId: uuid()
      .notNull()
      .references(() => merchants.id),
    url: text().notNull(),
    /** `whsec_…`; needed in full to sign, so it is stored, and shown to people once. */
    secret: text().notNull(),
    /** During a rotation both secrets sign, until this one is dropped. */
    previousSecret: text(),
    previousSecretExpiresAt: timestamp({ withTimezone: true }),
    enabled: boolean().notNull().default(true),
    disabledReason: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("webhook_endpoints_merchant_idx").on(t.merchantId)],
);

export const webhookDeliveryStatuses = ["pending", "delivering", "delivered", "failed"] as const;

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    /** The `webhook-id` header: the same for every attempt, so receivers can de-duplicate. */
    id: text().primaryKey(),
    merchantId: uuid()
      .notNull()
      .references(() => merchants.id),
    endpointId: uuid()
      .notNull()
      .references(() => webhookEndpoints.id),
    eventType: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    status: text({ enum: webhookDeliveryStatuses }).notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastStatusCode: integer(),
    lastError: text(),
    deliveredAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("webhook_deliveries_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index("webhook_deliveries_merchant_idx").on(t.merchantId, t.createdAt),
    check("webhook_deliveries_status", sql`${t.status} in ('pending','delivering','delivered','failed')`),
  ],
);

/** Shopify webhooks already taken, by `X-Shopify-Webhook-Id`, so a redelivery has no effect. */
export const shopifyWebhooks = pgTable(
  "shopify_webhooks",
  {
    merchantId: uuid()
      .notNull()
      .references(() => merchants.id),
    webhookId: text().notNull(),
    topic: text().notNull(),
    payload: jsonb().notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp({ withTimezone: true }),
    error: text(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.webhookId] })],
);

/** Shopify's inventory item ids mapped to our SKUs (kept current by products/* webhooks). */
export const shopifyInventoryItems = pgTable(
  "shopify_inventory_items",
  {
    merchantId: uuid()
      .notNull()
      .references(() => merchants.id),
    inventoryItemId: bigint({ mode: "number" }).notNull(),
    skuId: uuid()
      .notNull()
      .references(() => skus.id),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.inventoryItemId] })],
);

export type ApiKey = typeof apiKeys.$inferSelect;
export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
