import { eq, sql } from "drizzle-orm";
import { readBodyBytes } from "../../api/http";
import { rows, type DbOrTx } from "../../db/client";
import { shopifyConnections } from "../../db/schema/integrations";
import { merchants } from "../../db/schema/merchants";
import { env } from "../../env";
import { markUninstalled } from "./compliance";
import { verifyShopifyHmac } from "./hmac";
import { parseJsonKeepingLargeIntegers } from "./json";
import { isStorableJson } from "../../security/text";
import { describeIssues, isShopifyTopic, shopifyTopics } from "./payloads";

// Receiving a Shopify webhook: verify, de-duplicate, store, answer. Nothing is applied here: the
// row is the job, and the worker applies it (inbox.ts), so Shopify gets its answer in
// milliseconds whatever the order does to ETAs. Order of checks: the signature first (a bad one
// gets 401 and nothing is written), then the headers, then the payload.

/** Shopify's largest payloads (orders with hundreds of lines) stay well under this. */
export const maxShopifyBodyBytes = 5_000_000;

export type ReceiveAnswer = { status: number; body: Record<string, unknown> };

const unauthorized: ReceiveAnswer = { status: 401, body: { error: "The webhook signature did not verify." } };

/** The body's bytes exactly as sent (the HMAC is over them), or null when it is too large. */
export function readRawBody(request: Request, limit = maxShopifyBodyBytes): Promise<Uint8Array | null> {
  return readBodyBytes(request, limit);
}

/** The secrets that verify now: the current one, and the previous one until its deadline. */
export function shopifySecretsAt(
  merchant: {
    shopifySecret: string | null;
    shopifySecretPrevious: string | null;
    shopifySecretPreviousExpiresAt: Date | null;
  },
  now: Date,
): string[] {
  const secrets = merchant.shopifySecret ? [merchant.shopifySecret] : [];
  const previousValid =
    merchant.shopifySecretPreviousExpiresAt === null || merchant.shopifySecretPreviousExpiresAt > now;
  if (merchant.shopifySecretPrevious && previousValid) secrets.push(merchant.shopifySecretPrevious);
  return secrets;
}

/**
 * What a route answers Shopify: the webhook verified and stored (receiveShopifyWebhook), or a 503
 * when it could not be stored, which makes Shopify retry later with the same webhook id.
 */
export async function answerShopifyWebhook(
  db: DbOrTx,
  params: { merchantSlug: string; headers: Headers; rawBody: Uint8Array },
): Promise<Response> {
  try {
    const answer = await receiveShopifyWebhook(db, {
      ...params,
      now: new Date(),
      log: (message) => console.warn(message),
    });
    return Response.json(answer.body, { status: answer.status });
  } catch (error) {
    console.error("Shopify webhook could not be stored", error);
    return Response.json({ error: "Could not store the webhook; please retry." }, { status: 503 });
  }
}

export async function receiveShopifyWebhook(
  db: DbOrTx,
  params: { merchantSlug: string; headers: Headers; rawBody: Uint8Array; now: Date; log?: (message: string) => void },
): Promise<ReceiveAnswer> {
  const { headers, rawBody, now } = params;
  // An unknown shop, or one with no Shopify secret, looks exactly like a wrong signature.
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(params.merchantSlug)) return unauthorized;
  const [merchant] = await db
    .select({
      id: merchants.id,
      shopifyShopDomain: merchants.shopifyShopDomain,
      shopifySecret: merchants.shopifySecret,
      shopifySecretPrevious: merchants.shopifySecretPrevious,
      shopifySecretPreviousExpiresAt: merchants.shopifySecretPreviousExpiresAt,
      installed: sql<boolean>`${shopifyConnections.merchantId} is not null`,
    })
    .from(merchants)
    .leftJoin(shopifyConnections, eq(shopifyConnections.merchantId, merchants.id))
    .where(eq(merchants.slug, params.merchantSlug));
  if (!merchant) return unauthorized;
  // A shop that installed the app gets webhooks signed with the app's secret (also after an
  // uninstall: shop/redact comes 48 hours later).
  const appSecret = merchant.installed ? env().SHOPIFY_API_SECRET : undefined;
  const secrets = [...shopifySecretsAt(merchant, now), ...(appSecret ? [appSecret] : [])];
  if (!verifyShopifyHmac(rawBody, headers.get("x-shopify-hmac-sha256"), secrets)) return unauthorized;

  // A public app's secret is the same for every shop that installed it: the signature alone does
  // not say which shop sent this, so a connected shop's domain must match too.
  const shopDomain = headers.get("x-shopify-shop-domain")?.trim().toLowerCase();
  if (merchant.shopifyShopDomain && shopDomain !== merchant.shopifyShopDomain.toLowerCase()) {
    return { status: 401, body: { error: `This endpoint takes webhooks from ${merchant.shopifyShopDomain} only.` } };
  }
  const webhookId = headers.get("x-shopify-webhook-id")?.trim();
  const topic = headers.get("x-shopify-topic")?.trim();
  if (!webhookId || webhookId.length > 200) return { status: 400, body: { error: "X-Shopify-Webhook-Id is missing." } };
  if (!topic || topic.length > 100) return { status: 400, body: { error: "X-Shopify-Topic is missing." } };

  const text = Buffer.from(rawBody).toString("utf8");
  let rejection: string | null = null;
  let parsedJson = true;
  if (!isShopifyTopic(topic)) {
    rejection = `Topic ${topic} is not one the portal handles.`;
  }
  try {
    const json = parseJsonKeepingLargeIntegers(text);
    if (!isStorableJson(json)) {
      // jsonb refuses \u0000 and unpaired surrogates: kept as text and refused with a reason,
      // instead of a failed insert that Shopify would retry for days.
      parsedJson = false;
      rejection ??= "The body has text that cannot be stored (NUL characters or unpaired surrogates).";
    } else if (!rejection) {
      const parsed = shopifyTopics[topic as keyof typeof shopifyTopics].safeParse(json);
      if (!parsed.success) rejection = `Rejected ${topic}: ${describeIssues(parsed.error)}.`;
    }
  } catch {
    parsedJson = false;
    rejection ??= "The body is not valid JSON.";
  }

  // Stored either way, under its id: a rejected payload is answered 2xx (Shopify's retries could
  // never make it parse) but stays visible to agents with its reason.
  const status = rejection ? "rejected" : "pending";
  const inserted = await rows(
    db,
    sql`insert into shopify_webhooks (merchant_id, webhook_id, topic, payload, received_at, status, next_attempt_at, processed_at, error)
        values (${merchant.id}::uuid, ${webhookId}, ${topic},
                ${parsedJson ? sql`${text}::jsonb` : sql`jsonb_build_object('unparsed', ${text.slice(0, 10_000).replaceAll("\u0000", "\ufffd").toWellFormed()}::text)`},
                ${now.toISOString()}::timestamptz, ${status},
                ${rejection ? null : now.toISOString()}::timestamptz, ${rejection ? now.toISOString() : null}::timestamptz, ${rejection})
        on conflict (merchant_id, webhook_id) do nothing
        returning webhook_id`,
  );
  const duplicate = inserted.length === 0;
  // Not left to the worker: from this moment nothing more goes to the shop.
  if (topic === "app/uninstalled" && !rejection && !duplicate) {
    await markUninstalled(db, { merchantId: merchant.id, webhookId, now });
  }
  if (rejection && !duplicate) params.log?.(`Shopify webhook ${webhookId} for ${params.merchantSlug}: ${rejection}`);
  return { status: 200, body: { received: true, duplicate, ...(rejection ? { rejected: rejection } : {}) } };
}
