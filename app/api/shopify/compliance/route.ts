// POST /api/shopify/compliance — the app's compliance webhooks (customers/data_request,
// customers/redact, shop/redact), one address for every shop as Shopify's app config requires:
// the shop is found by its domain, then the webhook is verified and stored like any other.
import { eq } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { shopifyConnections } from "@/lib/db/schema/integrations";
import { merchants } from "@/lib/db/schema/merchants";
import { env } from "@/lib/env";
import { verifyShopifyHmac } from "@/lib/integrations/shopify/hmac";
import { answerShopifyWebhook, readRawBody } from "@/lib/integrations/shopify/receive";

export async function POST(request: Request): Promise<Response> {
  const rawBody = await readRawBody(request);
  if (!rawBody) return Response.json({ error: "The body is too large." }, { status: 413 });
  const secret = env().SHOPIFY_API_SECRET;
  if (!secret || !verifyShopifyHmac(rawBody, request.headers.get("x-shopify-hmac-sha256"), [secret])) {
    return Response.json({ error: "The webhook signature did not verify." }, { status: 401 });
  }
  const shop = request.headers.get("x-shopify-shop-domain")?.trim().toLowerCase() ?? "";
  const [merchant] = await db()
    .select({ slug: merchants.slug })
    .from(shopifyConnections)
    .innerJoin(merchants, eq(merchants.id, shopifyConnections.merchantId))
    .where(eq(shopifyConnections.shopDomain, shop));
  // A shop that never installed here: we hold nothing of it, which is the answer.
  if (!merchant) return Response.json({ received: true, held: false });
  return answerShopifyWebhook(db(), { merchantSlug: merchant.slug, headers: request.headers, rawBody });
}
