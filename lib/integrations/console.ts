import { eq } from "drizzle-orm";
import type { Actor } from "../audit/actor";
import type { DbOrTx } from "../db/client";
import { merchants } from "../db/schema/merchants";
import { DomainError } from "../errors";
import { merchantsInScope, servesMerchant, type AgentScope } from "../support/access";
import {
  connectShopify,
  deliveryLog,
  disconnectShopify,
  endShopifyRotation,
  integrationStatus,
  resendDelivery,
  retryShopifyWebhook,
  rotateWebhookSecret,
  saveWebhookEndpoint,
  setWebhookEndpointEnabled,
  setWebhookSubscriptions,
  shopifyLog,
} from "./settings";
import { updateNotificationSettings } from "../notifications/settings";
import { uploadCsv } from "../supply/csv";

// The support console's view of integrations, scoped like the rest of it: an agent sees (and can
// resend) the deliveries and Shopify webhooks of the shops they serve, and another shop's are as
// absent as a missing one; only admins change settings. Every function checks the scope itself,
// so a page or action that forgot to could still not reach past it.

const agentActor = (scope: AgentScope): Actor => ({ type: "agent", id: scope.email });

/** The merchant, if the agent serves it; another shop's is "not found", never "forbidden". */
export async function merchantForAgent(db: DbOrTx, scope: AgentScope, slug: string) {
  const [merchant] = /^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)
    ? await db.select().from(merchants).where(eq(merchants.slug, slug))
    : [];
  if (!merchant || !servesMerchant(scope, merchant.id))
    throw new DomainError("not_found", "That shop was not found among the shops you serve.");
  return merchant;
}

/** Settings hold secrets and decide where shop data goes: admins only. */
export async function merchantForAdmin(db: DbOrTx, scope: AgentScope, slug: string) {
  if (scope.role !== "admin")
    throw new DomainError("forbidden", "Only admins can see or change a shop's integration settings.");
  return merchantForAgent(db, scope, slug);
}

/** Each shop the agent serves, with whether Shopify and the webhook endpoint are set up. */
export async function integrationsOverview(db: DbOrTx, scope: AgentScope, now = new Date()) {
  const shops = await merchantsInScope(db, scope);
  return Promise.all(shops.map(async (shop) => ({ ...shop, status: await integrationStatus(db, shop.id, now) })));
}

/** The delivery log and Shopify log of one shop, for any agent serving it. */
export async function integrationLogs(db: DbOrTx, scope: AgentScope, slug: string, now = new Date()) {
  const merchant = await merchantForAgent(db, scope, slug);
  const [status, deliveries, shopify] = await Promise.all([
    integrationStatus(db, merchant.id, now),
    deliveryLog(db, merchant.id, { limit: 100 }),
    shopifyLog(db, merchant.id, { limit: 100 }),
  ]);
  return { merchant, status, deliveries, shopify };
}

export async function integrationSettings(db: DbOrTx, scope: AgentScope, slug: string, now = new Date()) {
  const merchant = await merchantForAdmin(db, scope, slug);
  return { merchant, status: await integrationStatus(db, merchant.id, now) };
}

export async function agentResendDelivery(
  db: DbOrTx,
  scope: AgentScope,
  params: { slug: string; deliveryId: string; now: Date },
) {
  const merchant = await merchantForAgent(db, scope, params.slug);
  await resendDelivery(db, {
    merchantId: merchant.id,
    deliveryId: params.deliveryId,
    actor: agentActor(scope),
    now: params.now,
  });
}

export async function agentRetryShopifyWebhook(
  db: DbOrTx,
  scope: AgentScope,
  params: { slug: string; webhookId: string; now: Date },
) {
  const merchant = await merchantForAgent(db, scope, params.slug);
  await retryShopifyWebhook(db, {
    merchantId: merchant.id,
    webhookId: params.webhookId,
    actor: agentActor(scope),
    now: params.now,
  });
}

/** A CSV of purchase orders and stock, previewed or applied by an admin (lib/supply/csv.ts). */
export async function adminUploadCsv(
  db: DbOrTx,
  scope: AgentScope,
  params: { slug: string; text: string; apply: boolean; now: Date },
) {
  const merchant = await merchantForAdmin(db, scope, params.slug);
  return uploadCsv(db, {
    merchantId: merchant.id,
    text: params.text,
    apply: params.apply,
    actor: agentActor(scope),
    now: params.now,
  });
}

/** A shop's notification settings, changed by an admin (audited as the agent). */
export async function adminSaveNotificationSettings(
  db: DbOrTx,
  scope: AgentScope,
  params: { slug: string; patch: unknown; now: Date },
) {
  const merchant = await merchantForAdmin(db, scope, params.slug);
  return updateNotificationSettings(db, {
    merchantId: merchant.id,
    patch: params.patch,
    actor: agentActor(scope),
    now: params.now,
  });
}

export async function adminSaveEndpoint(
  db: DbOrTx,
  scope: AgentScope,
  params: { slug: string; url: string; endpointId?: string; add?: boolean; now: Date },
) {
  const merchant = await merchantForAdmin(db, scope, params.slug);
  return saveWebhookEndpoint(db, {
    merchantId: merchant.id,
    url: params.url,
    endpointId: params.endpointId,
    add: params.add,
    actor: agentActor(scope),
    now: params.now,
  });
}

export async function adminSetEndpointSubscriptions(
  db: DbOrTx,
  scope: AgentScope,
  params: { slug: string; endpointId: string; eventTypes: readonly string[] | null; now: Date },
) {
  const merchant = await merchantForAdmin(db, scope, params.slug);
  return setWebhookSubscriptions(db, {
    merchantId: merchant.id,
    endpointId: params.endpointId,
    eventTypes: params.eventTypes,
    actor: agentActor(scope),
    now: params.now,
  });
}

export async function adminRotateEndpointSecret(
  db: DbOrTx,
  scope: AgentScope,
  params: { slug: string; endpointId?: string; now: Date },
) {
  const merchant = await merchantForAdmin(db, scope, params.slug);
  return rotateWebhookSecret(db, {
    merchantId: merchant.id,
    endpointId: params.endpointId,
    actor: agentActor(scope),
    now: params.now,
  });
}

export async function adminSetEndpointEnabled(
  db: DbOrTx,
  scope: AgentScope,
  params: { slug: string; endpointId?: string; enabled: boolean; now: Date },
) {
  const merchant = await merchantForAdmin(db, scope, params.slug);
  await setWebhookEndpointEnabled(db, {
    merchantId: merchant.id,
    endpointId: params.endpointId,
    enabled: params.enabled,
    actor: agentActor(scope),
    now: params.now,
  });
}

export async function adminConnectShopify(
  db: DbOrTx,
  scope: AgentScope,
  params: { slug: string; shopDomain: string; secret: string; now: Date },
) {
  const merchant = await merchantForAdmin(db, scope, params.slug);
  return connectShopify(db, {
    merchantId: merchant.id,
    shopDomain: params.shopDomain,
    secret: params.secret,
    actor: agentActor(scope),
    now: params.now,
  });
}

export async function adminEndShopifyRotation(db: DbOrTx, scope: AgentScope, params: { slug: string; now: Date }) {
  const merchant = await merchantForAdmin(db, scope, params.slug);
  await endShopifyRotation(db, { merchantId: merchant.id, actor: agentActor(scope), now: params.now });
}

export async function adminDisconnectShopify(db: DbOrTx, scope: AgentScope, params: { slug: string; now: Date }) {
  const merchant = await merchantForAdmin(db, scope, params.slug);
  await disconnectShopify(db, { merchantId: merchant.id, actor: agentActor(scope), now: params.now });
}
