"use server";

import { agentAction } from "@/app/callers";
import { db } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import {
  adminConnectShopify,
  adminDisconnectShopify,
  adminEndShopifyRotation,
  adminRotateEndpointSecret,
  adminSaveEndpoint,
  adminSaveNotificationSettings,
  adminUploadCsv,
  adminSetEndpointEnabled,
  adminSetEndpointSubscriptions,
  agentResendDelivery,
  agentRetryShopifyWebhook,
  merchantForAdmin,
} from "@/lib/integrations/console";
import { formatInstant, zoneShortName } from "@/lib/dates";
import type { AgentScope } from "@/lib/support/access";
import {
  parseConnectShopify,
  parseEndpoint,
  parseNotificationSettings,
  parseCsvUpload,
  parseSubscriptions,
  parseResendWebhook,
  parseRetryShopifyWebhook,
  parseSaveEndpoint,
  parseSetEndpointEnabled,
  parseShop,
} from "./inputs";

// Integration actions in the support console: app/callers.ts checks who is asking (an agent; for
// settings, an admin), and lib/integrations/console.ts checks the shop is theirs again. A secret
// comes back once, in the result of the action that made it.

const shopPages = ({ slug }: { slug: string }) => [`/support/merchants/${slug}`, `/support/merchants/${slug}/settings`];
const asAgent = { revalidate: shopPages };
const asAdmin = { role: "admin" as const, revalidate: shopPages };
/** A moment in a sentence, in the shop's zone (named: the sentence travels without its page). */
async function until(at: Date, scope: AgentScope, slug: string): Promise<string> {
  const { timezone } = await merchantForAdmin(db(), scope, slug);
  return `${formatInstant(at, timezone)} ${zoneShortName(timezone, at)}`;
}

export const resendWebhook = agentAction(
  "resend webhook",
  parseResendWebhook,
  async ({ slug, deliveryId }, scope) => {
    await agentResendDelivery(db(), scope, { slug, deliveryId, now: new Date() });
    return { message: "Queued to send again, under the same webhook-id." };
  },
  asAgent,
);

export const retryShopifyWebhookAction = agentAction(
  "retry Shopify webhook",
  parseRetryShopifyWebhook,
  async ({ slug, webhookId }, scope) => {
    await agentRetryShopifyWebhook(db(), scope, { slug, webhookId, now: new Date() });
    return { message: "Queued to be processed again." };
  },
  asAgent,
);

export const saveEndpointAction = agentAction<
  { slug: string; url: string; endpointId?: string; add?: "true" },
  { secret?: string }
>(
  "save webhook endpoint",
  parseSaveEndpoint,
  async ({ slug, url, endpointId, add }, scope) => {
    const saved = await adminSaveEndpoint(db(), scope, { slug, url, endpointId, add: !!add, now: new Date() });
    return saved.secret
      ? { message: "Endpoint saved. Copy its signing secret now: it is shown this once.", secret: saved.secret }
      : { message: "Address saved; the signing secret is unchanged." };
  },
  asAdmin,
);

export const uploadCsvAction = agentAction(
  "upload CSV",
  parseCsvUpload,
  async ({ slug, file, apply }, scope) => {
    const outcome = await adminUploadCsv(db(), scope, { slug, text: await file.text(), apply, now: new Date() });
    if (!outcome.ok) {
      const where = (e: (typeof outcome.errors)[number]) =>
        `Row ${e.row}${e.column ? `, ${e.column}` : ""}: ${e.message}`;
      throw new DomainError("invalid", `Nothing was changed.\n${outcome.errors.map(where).join("\n")}`);
    }
    const lines = outcome.changes.map((c) => `Rows ${c.rows.join(", ")}: ${c.summary}`).join("\n");
    return {
      message: outcome.applied
        ? `Applied.\n${lines}`
        : `Preview: nothing is changed yet. Applying this file will do:\n${lines}`,
    };
  },
  asAdmin,
);

export const saveNotificationSettingsAction = agentAction(
  "save notification settings",
  parseNotificationSettings,
  async ({ slug, patch }, scope) => {
    await adminSaveNotificationSettings(db(), scope, { slug, patch, now: new Date() });
    return { message: "Notification settings saved; they apply from the next gathering." };
  },
  asAdmin,
);

export const setSubscriptionsAction = agentAction(
  "change webhook subscriptions",
  parseSubscriptions,
  async ({ slug, endpointId, eventTypes }, scope) => {
    const saved = await adminSetEndpointSubscriptions(db(), scope, { slug, endpointId, eventTypes, now: new Date() });
    return {
      message: saved.eventTypes
        ? `This endpoint is now sent ${saved.eventTypes.length} event type${saved.eventTypes.length === 1 ? "" : "s"}.`
        : "This endpoint is now sent every event, new types too.",
    };
  },
  asAdmin,
);

export const rotateEndpointSecretAction = agentAction<{ slug: string; endpointId?: string }, { secret?: string }>(
  "rotate webhook secret",
  parseEndpoint,
  async ({ slug, endpointId }, scope) => {
    const rotated = await adminRotateEndpointSecret(db(), scope, { slug, endpointId, now: new Date() });
    return {
      message: `New signing secret made; the old one also signs until ${await until(rotated.previousValidUntil, scope, slug)}. Copy it now: it is shown this once.`,
      secret: rotated.secret,
    };
  },
  asAdmin,
);

export const setEndpointEnabledAction = agentAction(
  "turn webhook sending on or off",
  parseSetEndpointEnabled,
  async ({ slug, endpointId, enabled: given }, scope) => {
    const enabled = given === "true";
    await adminSetEndpointEnabled(db(), scope, { slug, endpointId, enabled, now: new Date() });
    return {
      message: enabled
        ? "Sending is on; waiting events go out now."
        : "Sending is off; events wait until it is on again.",
    };
  },
  asAdmin,
);

export const connectShopifyAction = agentAction(
  "connect Shopify",
  parseConnectShopify,
  async ({ slug, shopDomain, secret }, scope) => {
    const connected = await adminConnectShopify(db(), scope, { slug, shopDomain, secret, now: new Date() });
    return {
      message: connected.rotated
        ? `Shopify secret replaced; the old one is still accepted until ${await until(connected.previousValidUntil!, scope, slug)}.`
        : "Shopify connected. Webhooks from the shop are accepted from now on.",
    };
  },
  asAdmin,
);

export const endShopifyRotationAction = agentAction(
  "end Shopify rotation",
  parseShop,
  async ({ slug }, scope) => {
    await adminEndShopifyRotation(db(), scope, { slug, now: new Date() });
    return { message: "The old Shopify secret is no longer accepted." };
  },
  asAdmin,
);

export const disconnectShopifyAction = agentAction(
  "disconnect Shopify",
  parseShop,
  async ({ slug }, scope) => {
    await adminDisconnectShopify(db(), scope, { slug, now: new Date() });
    return { message: "Shopify disconnected: its webhooks are refused until it is connected again." };
  },
  asAdmin,
);
