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

/**
 * A change to one shop (by slug), made by an agent who serves it ("admin": admins only) and
 * audited as that agent: the domain function gets the merchant's id and the agent as its actor.
 */
function forShop<I extends { merchantId: string; actor: Actor }, R>(
  who: "agent" | "admin",
  work: (db: DbOrTx, input: I) => Promise<R>,
) {
  const merchantFor = who === "admin" ? merchantForAdmin : merchantForAgent;
  return async (
    db: DbOrTx,
    scope: AgentScope,
    { slug, ...input }: Omit<I, "merchantId" | "actor"> & { slug: string },
  ) => {
    const merchant = await merchantFor(db, scope, slug);
    // The rest of the input and the two fields put back are I; TypeScript cannot follow an Omit of a generic.
    return work(db, { ...input, merchantId: merchant.id, actor: agentActor(scope) } as unknown as I);
  };
}

export const agentResendDelivery = forShop("agent", resendDelivery);
export const agentRetryShopifyWebhook = forShop("agent", retryShopifyWebhook);

/** A CSV of purchase orders and stock, previewed or applied by an admin (lib/supply/csv.ts). */
export const adminUploadCsv = forShop("admin", uploadCsv);
/** A shop's notification settings, changed by an admin. */
export const adminSaveNotificationSettings = forShop("admin", updateNotificationSettings);
export const adminSaveEndpoint = forShop("admin", saveWebhookEndpoint);
export const adminSetEndpointSubscriptions = forShop("admin", setWebhookSubscriptions);
export const adminRotateEndpointSecret = forShop("admin", rotateWebhookSecret);
export const adminSetEndpointEnabled = forShop("admin", setWebhookEndpointEnabled);
export const adminConnectShopify = forShop("admin", connectShopify);
export const adminEndShopifyRotation = forShop("admin", endShopifyRotation);
export const adminDisconnectShopify = forShop("admin", disconnectShopify);
