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
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { id, merchantId, moment, now } from "./columns";
import { skus } from "./catalog";
import { merchants } from "./merchants";

/** Keys for the ingest API. Only a SHA-256 of the key is stored; the key is shown once. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: id(),
    merchantId: merchantId(),
    name: text().notNull(),
    /** The first characters of the key, so people can tell keys apart. */
    prefix: text().notNull(),
    keyHash: text().notNull().unique(),
    createdAt: now(),
    lastUsedAt: moment(),
    revokedAt: moment(),
  },
  (t) => [index("api_keys_merchant_idx").on(t.merchantId)],
);

/** The first answer to a POST with an `Idempotency-Key`, replayed for retries. */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    merchantId: merchantId(),
    key: text().notNull(),
    /** Method, path and a hash of the body: the same key with another request is refused. */
    requestFingerprint: text().notNull(),
    statusCode: integer().notNull(),
    /** The exact JSON sent the first time, replayed byte for byte. */
    responseBody: text().notNull(),
    createdAt: now(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.key] }), index("idempotency_keys_created_idx").on(t.createdAt)],
);

/** Where a merchant hears about cancels and swaps (Standard Webhooks). */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: id(),
    merchantId: merchantId(),
    url: text().notNull(),
    /** `whsec_…`; needed in full to sign, so it is stored, and shown to people once. */
    secret: text().notNull(),
    /** During a rotation both secrets sign, until this one is dropped. */
    previousSecret: text(),
    previousSecretExpiresAt: moment(),
    enabled: boolean().notNull().default(true),
    disabledReason: text(),
    /** The event types this endpoint is sent (lib/events/catalogue.ts); null: all of them, new ones too. */
    eventTypes: text().array(),
    createdAt: now(),
  },
  (t) => [index("webhook_endpoints_merchant_idx").on(t.merchantId)],
);

export const webhookDeliveryStatuses = ["pending", "delivering", "delivered", "failed"] as const;

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    /** The `webhook-id` header: the same for every attempt, so receivers can de-duplicate. */
    id: text().primaryKey(),
    merchantId: merchantId(),
    endpointId: uuid()
      .notNull()
      .references(() => webhookEndpoints.id),
    eventType: text().notNull(),
    /** The published event (`evt_…`, also in the payload); null for deliveries from before events were kept. */
    eventId: text(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    status: text({ enum: webhookDeliveryStatuses }).notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: now(),
    lastStatusCode: integer(),
    lastError: text(),
    lastAttemptAt: moment(),
    deliveredAt: moment(),
    createdAt: now(),
  },
  (t) => [
    // Due deliveries, and leased ones whose worker died (a lease is `delivering` until next_attempt_at).
    index("webhook_deliveries_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} in ('pending','delivering')`),
    index("webhook_deliveries_merchant_idx").on(t.merchantId, t.createdAt),
    check("webhook_deliveries_status", sql`${t.status} in ('pending','delivering','delivered','failed')`),
  ],
);

export const shopifyWebhookStatuses = ["pending", "processed", "rejected", "failed"] as const;
export type ShopifyWebhookStatus = (typeof shopifyWebhookStatuses)[number];

/**
 * Shopify webhooks already taken, by `X-Shopify-Webhook-Id`, so a redelivery has no effect. The
 * table is also the work queue: `pending` rows are processed by the worker when
 * `next_attempt_at` comes (claimed with SKIP LOCKED), `rejected` ones never parsed.
 */
export const shopifyWebhooks = pgTable(
  "shopify_webhooks",
  {
    merchantId: merchantId(),
    webhookId: text().notNull(),
    topic: text().notNull(),
    /** The body as Shopify sent it (jsonb keeps ids above 2^53 exact; read it back as text). */
    payload: jsonb().notNull(),
    receivedAt: now(),
    status: text({ enum: shopifyWebhookStatuses }).notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: moment(),
    processedAt: moment(),
    /** What processing did, in words for agents ("Order #1001 created: 1 line waiting"). */
    outcome: text(),
    error: text(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.webhookId] }),
    index("shopify_webhooks_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    index("shopify_webhooks_merchant_idx").on(t.merchantId, t.receivedAt),
    check("shopify_webhooks_status", sql`${t.status} in ('pending','processed','rejected','failed')`),
  ],
);

/** Shopify's inventory item ids mapped to our SKUs (kept current by products/* webhooks). */
export const shopifyInventoryItems = pgTable(
  "shopify_inventory_items",
  {
    merchantId: merchantId(),
    /** Shopify ids may pass 2^53, so they are read as bigint, never as a JS number. */
    inventoryItemId: bigint({ mode: "bigint" }).notNull(),
    skuId: uuid()
      .notNull()
      .references(() => skus.id),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.inventoryItemId] }),
    index("shopify_inventory_items_sku_idx").on(t.skuId),
  ],
);

/**
 * Shopify's `available` per inventory item and location, as last reported. A SKU's stock is the
 * sum over its items and locations, so a shop with two warehouses is not read as one.
 */
export const shopifyInventoryLevels = pgTable(
  "shopify_inventory_levels",
  {
    merchantId: merchantId(),
    inventoryItemId: bigint({ mode: "bigint" }).notNull(),
    locationId: bigint({ mode: "bigint" }).notNull(),
    available: integer().notNull(),
    /** Shopify's `updated_at` of this level: an older webhook arriving late does not win. */
    updatedAt: moment().notNull(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.inventoryItemId, t.locationId] })],
);

export const shopifyBackfillStatuses = ["pending", "running", "done", "failed"] as const;

/**
 * A shop that installed the app by OAuth. The offline access token is sealed (lib/security/token-box.ts)
 * with SHOPIFY_TOKEN_KEY; `uninstalledAt` stops every call to Shopify at once, and the shop's data is
 * erased at `redactAt` (48 hours after uninstall) unless it installs again.
 */
export const shopifyConnections = pgTable(
  "shopify_connections",
  {
    merchantId: uuid()
      .primaryKey()
      .references(() => merchants.id),
    shopDomain: text().notNull().unique(),
    accessTokenSealed: text(),
    scopes: text().notNull(),
    installedAt: moment().notNull(),
    installedBy: text(),
    uninstalledAt: moment(),
    redactAt: moment(),
    /** Shopify refused the token (revoked or expired): calls stop until the shop installs again. */
    tokenRejectedAt: moment(),
    /** The topics subscribed through the Admin API, with Shopify's subscription ids. */
    webhookSubscriptions: jsonb().$type<{ topic: string; id: string }[]>().notNull().default([]),
    webhooksRegisteredAt: moment(),
    backfillStatus: text({ enum: shopifyBackfillStatuses }).notNull().default("pending"),
    /** The `endCursor` of the last page applied: a backfill that stopped resumes after it. */
    backfillCursor: text(),
    backfillProducts: integer().notNull().default(0),
    backfillVariants: integer().notNull().default(0),
    backfillError: text(),
    backfillNextAttemptAt: moment(),
    backfillUpdatedAt: moment(),
  },
  (t) => [
    check("shopify_connections_backfill_status", sql`${t.backfillStatus} in ('pending','running','done','failed')`),
  ],
);

/**
 * An install an admin started: the OAuth `state` (only its SHA-256), the shop it is for and the
 * merchant it will link to (an existing one, or a new one by name). Used once, within minutes.
 */
export const shopifyInstallStates = pgTable("shopify_install_states", {
  stateHash: text().primaryKey(),
  shopDomain: text().notNull(),
  merchantId: uuid().references(() => merchants.id),
  newMerchantName: text(),
  newMerchantSlug: text(),
  startedBy: text().notNull(),
  createdAt: now(),
  expiresAt: moment().notNull(),
  usedAt: moment(),
});

/**
 * What each compliance webhook did, for the admin and for Shopify's review: a data request keeps
 * the export to hand to the merchant; a redaction keeps only a hash of the email it erased.
 */
export const shopifyComplianceRequests = pgTable(
  "shopify_compliance_requests",
  {
    id: id(),
    merchantId: merchantId(),
    webhookId: text().notNull(),
    topic: text().notNull(),
    subject: text().notNull(),
    completedAt: moment().notNull(),
    summary: text().notNull(),
    export: jsonb(),
  },
  (t) => [index("shopify_compliance_requests_merchant_idx").on(t.merchantId, t.completedAt)],
);

export const shopifyWritebackStatuses = ["pending", "done", "failed", "cancelled"] as const;

/**
 * ETAs going back to a Shopify order (the `backorder.eta` metafield and the rolling-backorder tag),
 * an outbox: written with the ETA change, sent by the worker with back-off. One pending row per
 * order holds the newest content, so a burst of changes is one write; `contentHash` makes a
 * change that says what Shopify already has no write at all.
 */
export const shopifyWritebacks = pgTable(
  "shopify_writebacks",
  {
    id: id(),
    merchantId: merchantId(),
    orderId: uuid().notNull(),
    shopifyOrderId: text().notNull(),
    content: jsonb().$type<{ metafield: unknown; tags: string[] }>().notNull(),
    contentHash: text().notNull(),
    status: text({ enum: shopifyWritebackStatuses }).notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: now(),
    lastError: text(),
    doneAt: moment(),
    createdAt: now(),
  },
  (t) => [
    uniqueIndex("shopify_writebacks_one_pending")
      .on(t.orderId)
      .where(sql`${t.status} = 'pending'`),
    index("shopify_writebacks_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    index("shopify_writebacks_order_idx").on(t.orderId, t.createdAt),
    check("shopify_writebacks_status", sql`${t.status} in ('pending','done','failed','cancelled')`),
  ],
);

export type ShopifyConnection = typeof shopifyConnections.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type ShopifyWebhook = typeof shopifyWebhooks.$inferSelect;
