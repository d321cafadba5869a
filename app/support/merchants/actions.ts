"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/lib/db/client";
import { isDomainError } from "@/lib/errors";
import {
  adminConnectShopify,
  adminDisconnectShopify,
  adminEndShopifyRotation,
  adminRotateEndpointSecret,
  adminSaveEndpoint,
  adminSetEndpointEnabled,
  agentResendDelivery,
  agentRetryShopifyWebhook,
} from "@/lib/integrations/console";
import type { AgentScope } from "@/lib/support/access";
import { agentOrNull } from "../guard";
import {
  parseConnectShopify,
  parseResendWebhook,
  parseRetryShopifyWebhook,
  parseSaveEndpoint,
  parseSetEndpointEnabled,
  parseShop,
} from "./inputs";

// Integration actions in the support console. Each one checks who is asking itself (an agent;
// for settings, an admin), validates with zod, and lib/integrations/console.ts checks the shop is
// theirs again. A secret comes back once, in the result of the action that made it.

export type IntegrationResult = { ok: true; message: string; secret?: string } | { ok: false; error: string };

async function run(
  shop: string,
  role: "agent" | "admin",
  work: (scope: AgentScope) => Promise<{ message: string; secret?: string }>,
): Promise<IntegrationResult> {
  const scope = await agentOrNull();
  if (!scope) return { ok: false, error: "Only support agents can do this. Please sign in again." };
  if (role === "admin" && scope.role !== "admin")
    return { ok: false, error: "Only admins can change a shop's integration settings." };
  try {
    const done = await work(scope);
    revalidatePath(`/support/merchants/${shop}`);
    revalidatePath(`/support/merchants/${shop}/settings`);
    return { ok: true, ...done };
  } catch (error) {
    if (isDomainError(error)) return { ok: false, error: error.message };
    console.error("integration action failed", error);
    return { ok: false, error: "Something went wrong on our side and nothing was changed. Please try again." };
  }
}

export async function resendWebhook(_previous: IntegrationResult | null, form: FormData): Promise<IntegrationResult> {
  const parsed = parseResendWebhook(form);
  if (!parsed.ok) return parsed;
  const { slug: shop, deliveryId } = parsed.data;
  return run(shop, "agent", async (scope) => {
    await agentResendDelivery(db(), scope, { slug: shop, deliveryId, now: new Date() });
    return { message: "Queued to send again, under the same webhook-id." };
  });
}

export async function retryShopifyWebhookAction(
  _previous: IntegrationResult | null,
  form: FormData,
): Promise<IntegrationResult> {
  const parsed = parseRetryShopifyWebhook(form);
  if (!parsed.ok) return parsed;
  const { slug: shop, webhookId } = parsed.data;
  return run(shop, "agent", async (scope) => {
    await agentRetryShopifyWebhook(db(), scope, { slug: shop, webhookId, now: new Date() });
    return { message: "Queued to be processed again." };
  });
}

export async function saveEndpointAction(
  _previous: IntegrationResult | null,
  form: FormData,
): Promise<IntegrationResult> {
  const parsed = parseSaveEndpoint(form);
  if (!parsed.ok) return parsed;
  const { slug: shop, url } = parsed.data;
  return run(shop, "admin", async (scope) => {
    const saved = await adminSaveEndpoint(db(), scope, { slug: shop, url, now: new Date() });
    return saved.secret
      ? { message: "Endpoint saved. Copy its signing secret now: it is shown this once.", secret: saved.secret }
      : { message: "Address saved; the signing secret is unchanged." };
  });
}

export async function rotateEndpointSecretAction(
  _previous: IntegrationResult | null,
  form: FormData,
): Promise<IntegrationResult> {
  const parsed = parseShop(form);
  if (!parsed.ok) return parsed;
  const { slug: shop } = parsed.data;
  return run(shop, "admin", async (scope) => {
    const rotated = await adminRotateEndpointSecret(db(), scope, { slug: shop, now: new Date() });
    return {
      message: `New signing secret made; the old one also signs until ${rotated.previousValidUntil.toISOString().slice(0, 16).replace("T", " ")} UTC. Copy it now: it is shown this once.`,
      secret: rotated.secret,
    };
  });
}

export async function setEndpointEnabledAction(
  _previous: IntegrationResult | null,
  form: FormData,
): Promise<IntegrationResult> {
  const parsed = parseSetEndpointEnabled(form);
  if (!parsed.ok) return parsed;
  const { slug: shop } = parsed.data;
  const enabled = parsed.data.enabled === "true";
  return run(shop, "admin", async (scope) => {
    await adminSetEndpointEnabled(db(), scope, { slug: shop, enabled, now: new Date() });
    return {
      message: enabled
        ? "Sending is on; waiting events go out now."
        : "Sending is off; events wait until it is on again.",
    };
  });
}

export async function connectShopifyAction(
  _previous: IntegrationResult | null,
  form: FormData,
): Promise<IntegrationResult> {
  const parsed = parseConnectShopify(form);
  if (!parsed.ok) return parsed;
  const { slug: shop, shopDomain, secret } = parsed.data;
  return run(shop, "admin", async (scope) => {
    const connected = await adminConnectShopify(db(), scope, { slug: shop, shopDomain, secret, now: new Date() });
    return {
      message: connected.rotated
        ? `Shopify secret replaced; the old one is still accepted until ${connected.previousValidUntil!.toISOString().slice(0, 16).replace("T", " ")} UTC.`
        : "Shopify connected. Webhooks from the shop are accepted from now on.",
    };
  });
}

export async function endShopifyRotationAction(
  _previous: IntegrationResult | null,
  form: FormData,
): Promise<IntegrationResult> {
  const parsed = parseShop(form);
  if (!parsed.ok) return parsed;
  const { slug: shop } = parsed.data;
  return run(shop, "admin", async (scope) => {
    await adminEndShopifyRotation(db(), scope, { slug: shop, now: new Date() });
    return { message: "The old Shopify secret is no longer accepted." };
  });
}

export async function disconnectShopifyAction(
  _previous: IntegrationResult | null,
  form: FormData,
): Promise<IntegrationResult> {
  const parsed = parseShop(form);
  if (!parsed.ok) return parsed;
  const { slug: shop } = parsed.data;
  return run(shop, "admin", async (scope) => {
    await adminDisconnectShopify(db(), scope, { slug: shop, now: new Date() });
    return { message: "Shopify disconnected: its webhooks are refused until it is connected again." };
  });
}
