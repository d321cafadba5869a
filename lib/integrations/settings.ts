import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Actor } from "../audit/actor";
import { writeAudit } from "../audit/log";
import { rows, type DbOrTx, type Tx } from "../db/client";
import { shopifyWebhooks, webhookDeliveries, webhookEndpoints } from "../db/schema/integrations";
import { merchants } from "../db/schema/merchants";
import { transaction } from "../db/transaction";
import { env } from "../env";
import { DomainError } from "../errors";
import { isPublicEventType, publicEventTypes } from "../events/catalogue";
import { assertPublicUrl, InternalAddressError } from "../security/outbound";
import { generateWebhookSecret, secretHint } from "./webhooks/signing";

// A merchant's integration settings: the Shopify connection (shop domain and the secret Shopify
// signs with) and the endpoint we send events to (its URL and our `whsec_` secret). Secrets are
// shown to people once, when they are made, and never again: what is read back is a hint. Every
// change is audited, without the secret. The support console (admins) and the CLI call these;
// both name who is acting.

/** A new Shopify secret leaves the old one verifying this long (Shopify's retries of old events). */
export const shopifyRotationHours = 72;
/** A rotated endpoint secret keeps signing beside the new one this long, so receivers can switch. */
export const webhookRotationHours = 24;

const loopback = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** zod 4 runs every refinement even after .url() refused the value, so these must not throw on it. */
function parsedUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

export const webhookUrlSchema = z
  .url({ protocol: /^https?$/, error: "must be an http(s) address" })
  .max(2000, "must be at most 2000 characters")
  .refine((value) => {
    const url = parsedUrl(value);
    return !url || url.protocol === "https:" || loopback.has(url.hostname);
  }, "must use https (plain http only for localhost)")
  .refine((value) => {
    const url = parsedUrl(value);
    return !url || (!url.username && !url.password);
  }, "must not carry a user name or password");

export const shopDomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$/,
    "must be the shop's myshopify.com domain, e.g. northwind.myshopify.com",
  );

export const shopifySecretSchema = z
  .string()
  .trim()
  .min(16, "looks too short for a Shopify secret")
  .max(200, "must be at most 200 characters")
  .regex(/^\S+$/, "must not contain spaces");

function parse<T extends z.ZodType>(schema: T, value: unknown, field: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new DomainError("invalid", `The ${field} ${parsed.error.issues[0]!.message}.`, field);
  return parsed.data;
}

export async function merchantBySlug(db: DbOrTx, slug: string) {
  const [merchant] = await db.select().from(merchants).where(eq(merchants.slug, slug));
  if (!merchant) throw new DomainError("not_found", `No merchant with slug ${slug}.`, "merchant");
  return merchant;
}

export type EndpointStatus = {
  id: string;
  url: string;
  enabled: boolean;
  disabledReason: string | null;
  secretHint: string;
  previousSecretUntil: Date | null;
  /** The event types it is sent; null: all of them, new ones too. */
  eventTypes: string[] | null;
  createdAt: Date;
};

export type IntegrationStatus = {
  shopify: {
    connected: boolean;
    shopDomain: string | null;
    secretHint: string | null;
    previousSecretUntil: Date | null;
  };
  /** Every endpoint of the shop, oldest first. */
  endpoints: EndpointStatus[];
  /** The oldest one (what the single-endpoint CLI changes). */
  endpoint: EndpointStatus | null;
};

/** Event types as given by people or the API: every one must be in the catalogue; none listed means all. */
export function parseEventTypes(value: readonly string[] | null | undefined): string[] | null {
  if (value == null) return null;
  const unknown = value.find((t) => !isPublicEventType(t));
  if (unknown !== undefined) {
    throw new DomainError(
      "invalid",
      `${unknown} is not an event type; choose from ${publicEventTypes.join(", ")}.`,
      "eventTypes",
    );
  }
  if (value.length === 0)
    throw new DomainError("invalid", "Choose at least one event type, or all of them.", "eventTypes");
  return [...new Set(value)].sort();
}

/** The endpoint named, or the shop's oldest when none is named; locked for the change. */
async function endpointFor(tx: Tx, merchantId: string, endpointId: string | undefined) {
  const [endpoint] = await tx
    .select()
    .from(webhookEndpoints)
    .where(
      endpointId
        ? and(eq(webhookEndpoints.merchantId, merchantId), eq(webhookEndpoints.id, endpointId))
        : eq(webhookEndpoints.merchantId, merchantId),
    )
    .orderBy(webhookEndpoints.createdAt, webhookEndpoints.id)
    .limit(1)
    .for("update");
  return endpoint;
}

const uuidLike = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function checkedEndpointId(endpointId: string | undefined) {
  if (endpointId !== undefined && !uuidLike.test(endpointId))
    throw new DomainError("not_found", "That webhook endpoint is not this shop's.", "endpointId");
  return endpointId;
}

export async function integrationStatus(db: DbOrTx, merchantId: string, now = new Date()): Promise<IntegrationStatus> {
  const [merchant] = await db.select().from(merchants).where(eq(merchants.id, merchantId));
  if (!merchant) throw new DomainError("not_found", "Merchant not found.");
  const endpointRows = await db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.merchantId, merchantId))
    .orderBy(webhookEndpoints.createdAt, webhookEndpoints.id);
  const previousShopify =
    merchant.shopifySecretPrevious &&
    (!merchant.shopifySecretPreviousExpiresAt || merchant.shopifySecretPreviousExpiresAt > now)
      ? merchant.shopifySecretPreviousExpiresAt
      : null;
  const endpoints = endpointRows.map((endpoint): EndpointStatus => ({
    id: endpoint.id,
    url: endpoint.url,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    secretHint: secretHint(endpoint.secret),
    previousSecretUntil:
      endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now
        ? endpoint.previousSecretExpiresAt
        : null,
    eventTypes: endpoint.eventTypes,
    createdAt: endpoint.createdAt,
  }));
  return {
    shopify: {
      connected: !!merchant.shopifySecret,
      shopDomain: merchant.shopifyShopDomain,
      secretHint: merchant.shopifySecret ? `…${merchant.shopifySecret.slice(-4)}` : null,
      previousSecretUntil: previousShopify,
    },
    endpoints,
    endpoint: endpoints[0] ?? null,
  };
}

/**
 * Sets where the merchant's events go. A shop may have several endpoints, each with its own secret
 * and subscription: `add` makes another, `endpointId` changes that one, and neither changes the
 * oldest (or makes the first). A new endpoint's secret is returned (to show once); a changed one
 * keeps its secret. `eventTypes` (none given: all) are the types it is sent.
 */
export async function saveWebhookEndpoint(
  db: DbOrTx,
  params: {
    merchantId: string;
    url: string;
    endpointId?: string;
    add?: boolean;
    eventTypes?: readonly string[] | null;
    actor: Actor;
    now: Date;
    /** Loopback and private addresses (the local receiver of tests and development); default from the environment. */
    allowInternalAddresses?: boolean;
  },
): Promise<{ endpointId: string; secret: string | null }> {
  const url = parse(webhookUrlSchema, params.url.trim(), "endpoint URL");
  const eventTypes = params.eventTypes === undefined ? undefined : parseEventTypes(params.eventTypes);
  const endpointId = checkedEndpointId(params.endpointId);
  if (!(params.allowInternalAddresses ?? env().WEBHOOKS_ALLOW_INTERNAL_ADDRESSES)) {
    try {
      await assertPublicUrl(url);
    } catch (error) {
      const reason =
        error instanceof InternalAddressError ? error.message : `${new URL(url).hostname} could not be resolved`;
      throw new DomainError("invalid", `The endpoint URL is refused: ${reason}.`, "endpoint URL");
    }
  }
  return transaction(db, async (tx) => {
    const existing = params.add ? undefined : await endpointFor(tx, params.merchantId, endpointId);
    if (endpointId && !existing) throw new DomainError("not_found", "That webhook endpoint is not this shop's.");
    if (existing) {
      if (eventTypes !== undefined) {
        await tx.update(webhookEndpoints).set({ eventTypes }).where(eq(webhookEndpoints.id, existing.id));
      }
      await tx.update(webhookEndpoints).set({ url }).where(eq(webhookEndpoints.id, existing.id));
      await writeAudit(tx, params.actor, params.now, [
        {
          merchantId: params.merchantId,
          action: "integration.webhook_url_changed",
          entityType: "webhook_endpoint",
          entityId: existing.id,
          before: { url: existing.url },
          after: { url },
        },
      ]);
      return { endpointId: existing.id, secret: null };
    }
    const secret = generateWebhookSecret();
    const [created] = await tx
      .insert(webhookEndpoints)
      .values({ merchantId: params.merchantId, url, secret, eventTypes: eventTypes ?? null, createdAt: params.now })
      .returning({ id: webhookEndpoints.id });
    await writeAudit(tx, params.actor, params.now, [
      {
        merchantId: params.merchantId,
        action: "integration.webhook_endpoint_created",
        entityType: "webhook_endpoint",
        entityId: created!.id,
        after: { url, secret: secretHint(secret), eventTypes: eventTypes ?? "all" },
      },
    ]);
    return { endpointId: created!.id, secret };
  });
}

/** Which event types an endpoint is sent (null: all, new ones too). Events already queued still go. */
export async function setWebhookSubscriptions(
  db: DbOrTx,
  params: { merchantId: string; endpointId?: string; eventTypes: readonly string[] | null; actor: Actor; now: Date },
): Promise<{ eventTypes: string[] | null }> {
  const eventTypes = parseEventTypes(params.eventTypes);
  const endpointId = checkedEndpointId(params.endpointId);
  return transaction(db, async (tx) => {
    const endpoint = await endpointFor(tx, params.merchantId, endpointId);
    if (!endpoint) throw new DomainError("not_found", "That webhook endpoint is not this shop's.", "endpointId");
    await tx.update(webhookEndpoints).set({ eventTypes }).where(eq(webhookEndpoints.id, endpoint.id));
    await writeAudit(tx, params.actor, params.now, [
      {
        merchantId: params.merchantId,
        action: "integration.webhook_subscriptions_changed",
        entityType: "webhook_endpoint",
        entityId: endpoint.id,
        before: { eventTypes: endpoint.eventTypes ?? "all" },
        after: { eventTypes: eventTypes ?? "all" },
      },
    ]);
    return { eventTypes };
  });
}

/** A new endpoint secret (returned once); the old one keeps signing beside it for a day. */
export async function rotateWebhookSecret(
  db: DbOrTx,
  params: { merchantId: string; endpointId?: string; actor: Actor; now: Date },
): Promise<{ secret: string; previousValidUntil: Date }> {
  const endpointId = checkedEndpointId(params.endpointId);
  return transaction(db, async (tx) => {
    const endpoint = await endpointFor(tx, params.merchantId, endpointId);
    if (!endpoint) throw new DomainError("not_found", "This merchant has no webhook endpoint yet; set its URL first.");
    const secret = generateWebhookSecret();
    const previousValidUntil = new Date(params.now.getTime() + webhookRotationHours * 3_600_000);
    await tx
      .update(webhookEndpoints)
      .set({ secret, previousSecret: endpoint.secret, previousSecretExpiresAt: previousValidUntil })
      .where(eq(webhookEndpoints.id, endpoint.id));
    await writeAudit(tx, params.actor, params.now, [
      {
        merchantId: params.merchantId,
        action: "integration.webhook_secret_rotated",
        entityType: "webhook_endpoint",
        entityId: endpoint.id,
        before: { secret: secretHint(endpoint.secret) },
        after: { secret: secretHint(secret), previousValidUntil: previousValidUntil.toISOString() },
      },
    ]);
    return { secret, previousValidUntil };
  });
}

/** Turns sending on or off. Turning it on clears why it was off (a 410, say). */
export async function setWebhookEndpointEnabled(
  db: DbOrTx,
  params: { merchantId: string; endpointId?: string; enabled: boolean; actor: Actor; now: Date },
): Promise<void> {
  const endpointId = checkedEndpointId(params.endpointId);
  await transaction(db, async (tx) => {
    const endpoint = await endpointFor(tx, params.merchantId, endpointId);
    if (!endpoint) throw new DomainError("not_found", "This merchant has no webhook endpoint yet.");
    if (endpoint.enabled === params.enabled) return;
    await tx
      .update(webhookEndpoints)
      .set({
        enabled: params.enabled,
        disabledReason: params.enabled ? null : `Turned off by ${params.actor.id ?? params.actor.type}`,
      })
      .where(eq(webhookEndpoints.id, endpoint.id));
    await writeAudit(tx, params.actor, params.now, [
      {
        merchantId: params.merchantId,
        action: params.enabled ? "integration.webhook_endpoint_enabled" : "integration.webhook_endpoint_disabled",
        entityType: "webhook_endpoint",
        entityId: endpoint.id,
        before: { enabled: endpoint.enabled, reason: endpoint.disabledReason },
        after: { enabled: params.enabled },
      },
    ]);
  });
}

/**
 * Connects the shop (or gives it a new secret): webhooks must come from `shopDomain` and verify
 * with `secret`. A secret replacing another leaves the old one verifying for three days.
 */
export async function connectShopify(
  db: DbOrTx,
  params: { merchantId: string; shopDomain: string; secret: string; actor: Actor; now: Date },
): Promise<{ rotated: boolean; previousValidUntil: Date | null }> {
  const shopDomain = parse(shopDomainSchema, params.shopDomain, "shop domain");
  const secret = parse(shopifySecretSchema, params.secret, "Shopify secret");
  return transaction(db, async (tx) => {
    const [merchant] = await tx.select().from(merchants).where(eq(merchants.id, params.merchantId)).for("update");
    if (!merchant) throw new DomainError("not_found", "Merchant not found.");
    const rotated = !!merchant.shopifySecret && merchant.shopifySecret !== secret;
    const previousValidUntil = rotated ? new Date(params.now.getTime() + shopifyRotationHours * 3_600_000) : null;
    await tx
      .update(merchants)
      .set({
        shopifyShopDomain: shopDomain,
        shopifySecret: secret,
        ...(rotated
          ? { shopifySecretPrevious: merchant.shopifySecret, shopifySecretPreviousExpiresAt: previousValidUntil }
          : {}),
      })
      .where(eq(merchants.id, params.merchantId));
    await writeAudit(tx, params.actor, params.now, [
      {
        merchantId: params.merchantId,
        action: rotated ? "integration.shopify_secret_rotated" : "integration.shopify_connected",
        entityType: "merchant",
        entityId: params.merchantId,
        before: {
          shopDomain: merchant.shopifyShopDomain,
          secret: merchant.shopifySecret ? `…${merchant.shopifySecret.slice(-4)}` : null,
        },
        after: {
          shopDomain,
          secret: `…${secret.slice(-4)}`,
          previousValidUntil: previousValidUntil?.toISOString() ?? null,
        },
      },
    ]);
    return { rotated, previousValidUntil };
  });
}

/** Stops accepting the previous Shopify secret now, instead of at its deadline. */
export async function endShopifyRotation(
  db: DbOrTx,
  params: { merchantId: string; actor: Actor; now: Date },
): Promise<void> {
  await transaction(db, async (tx) => {
    const changed = await rows(
      tx,
      sql`update merchants set shopify_secret_previous = null, shopify_secret_previous_expires_at = null
          where id = ${params.merchantId}::uuid and shopify_secret_previous is not null returning id`,
    );
    if (changed.length === 0) return;
    await writeAudit(tx, params.actor, params.now, [
      {
        merchantId: params.merchantId,
        action: "integration.shopify_rotation_ended",
        entityType: "merchant",
        entityId: params.merchantId,
      },
    ]);
  });
}

/** Forgets the Shopify secrets: webhooks from the shop get 401 until it is connected again. */
export async function disconnectShopify(
  db: DbOrTx,
  params: { merchantId: string; actor: Actor; now: Date },
): Promise<void> {
  await transaction(db, async (tx) => {
    await tx
      .update(merchants)
      .set({ shopifySecret: null, shopifySecretPrevious: null, shopifySecretPreviousExpiresAt: null })
      .where(eq(merchants.id, params.merchantId));
    await writeAudit(tx, params.actor, params.now, [
      {
        merchantId: params.merchantId,
        action: "integration.shopify_disconnected",
        entityType: "merchant",
        entityId: params.merchantId,
      },
    ]);
  });
}

export async function deliveryLog(db: DbOrTx, merchantId: string, options: { limit?: number } = {}) {
  return db
    .select({
      id: webhookDeliveries.id,
      eventType: webhookDeliveries.eventType,
      payload: webhookDeliveries.payload,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      lastError: webhookDeliveries.lastError,
      lastAttemptAt: webhookDeliveries.lastAttemptAt,
      deliveredAt: webhookDeliveries.deliveredAt,
      createdAt: webhookDeliveries.createdAt,
      url: webhookEndpoints.url,
      endpointEnabled: webhookEndpoints.enabled,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookDeliveries.merchantId, merchantId))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(options.limit ?? 50);
}

export async function shopifyLog(db: DbOrTx, merchantId: string, options: { limit?: number } = {}) {
  return db
    .select({
      webhookId: shopifyWebhooks.webhookId,
      topic: shopifyWebhooks.topic,
      status: shopifyWebhooks.status,
      attempts: shopifyWebhooks.attempts,
      receivedAt: shopifyWebhooks.receivedAt,
      processedAt: shopifyWebhooks.processedAt,
      nextAttemptAt: shopifyWebhooks.nextAttemptAt,
      outcome: shopifyWebhooks.outcome,
      error: shopifyWebhooks.error,
    })
    .from(shopifyWebhooks)
    .where(eq(shopifyWebhooks.merchantId, merchantId))
    .orderBy(desc(shopifyWebhooks.receivedAt))
    .limit(options.limit ?? 50);
}

/**
 * Sends a delivery again, under its own webhook-id (receivers that already have it ignore it), on
 * a fresh retry schedule. One being sent right now is left to finish.
 */
export async function resendDelivery(
  db: DbOrTx,
  params: { merchantId: string; deliveryId: string; actor: Actor; now: Date },
): Promise<void> {
  await transaction(db, async (tx) => {
    const [delivery] = await tx
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.id, params.deliveryId), eq(webhookDeliveries.merchantId, params.merchantId)))
      .for("update");
    if (!delivery) throw new DomainError("not_found", "That delivery is not in this merchant's log.");
    if (delivery.status === "delivering")
      throw new DomainError("conflict", "That event is being sent right now; its result shows here in a moment.");
    await tx
      .update(webhookDeliveries)
      .set({ status: "pending", attempts: 0, nextAttemptAt: params.now })
      .where(eq(webhookDeliveries.id, delivery.id));
    await writeAudit(tx, params.actor, params.now, [
      {
        merchantId: params.merchantId,
        action: "webhook.resent",
        entityType: "webhook_delivery",
        entityId: delivery.id,
        before: { status: delivery.status, attempts: delivery.attempts },
        after: { eventType: delivery.eventType },
      },
    ]);
  });
}

/** Applies a failed Shopify webhook again (after its SKU was added, say). */
export async function retryShopifyWebhook(
  db: DbOrTx,
  params: { merchantId: string; webhookId: string; actor: Actor; now: Date },
): Promise<void> {
  await transaction(db, async (tx) => {
    const [webhook] = await tx
      .select()
      .from(shopifyWebhooks)
      .where(and(eq(shopifyWebhooks.merchantId, params.merchantId), eq(shopifyWebhooks.webhookId, params.webhookId)))
      .for("update");
    if (!webhook) throw new DomainError("not_found", "That Shopify webhook is not in this merchant's log.");
    if (webhook.status !== "failed")
      throw new DomainError("conflict", `Only a failed webhook is processed again; this one is ${webhook.status}.`);
    await tx
      .update(shopifyWebhooks)
      .set({ status: "pending", attempts: 0, nextAttemptAt: params.now, processedAt: null })
      .where(and(eq(shopifyWebhooks.merchantId, params.merchantId), eq(shopifyWebhooks.webhookId, params.webhookId)));
    await writeAudit(tx, params.actor, params.now, [
      {
        merchantId: params.merchantId,
        action: "shopify_webhook.retried",
        entityType: "shopify_webhook",
        entityId: webhook.webhookId,
        after: { topic: webhook.topic, error: webhook.error },
      },
    ]);
  });
}
