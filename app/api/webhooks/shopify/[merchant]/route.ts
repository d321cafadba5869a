// POST /api/webhooks/shopify/[merchant] — Shopify's webhooks for one merchant (by slug): verified,
// de-duplicated and stored here; the worker applies them (lib/integrations/shopify/inbox.ts).
import { db } from "@/lib/db/client";
import { answerShopifyWebhook, readRawBody } from "@/lib/integrations/shopify/receive";

export async function POST(request: Request, context: { params: Promise<Record<string, string>> }): Promise<Response> {
  const { merchant = "" } = await context.params;
  const rawBody = await readRawBody(request);
  if (!rawBody) return Response.json({ error: "The body is too large." }, { status: 413 });
  return answerShopifyWebhook(db(), { merchantSlug: merchant, headers: request.headers, rawBody });
}
