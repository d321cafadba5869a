// POST /api/webhooks/shopify/[merchant] — Shopify's webhooks for one merchant (by slug): verified,
// de-duplicated and stored here; the worker applies them (lib/integrations/shopify/inbox.ts).
import { db } from "@/lib/db/client";
import { readRawBody, receiveShopifyWebhook } from "@/lib/integrations/shopify/receive";

export async function POST(request: Request, context: { params: Promise<Record<string, string>> }): Promise<Response> {
  const { merchant = "" } = await context.params;
  const rawBody = await readRawBody(request);
  if (!rawBody) return Response.json({ error: "The body is too large." }, { status: 413 });
  try {
    const answer = await receiveShopifyWebhook(db(), {
      merchantSlug: merchant,
      headers: request.headers,
      rawBody,
      now: new Date(),
      log: (message) => console.warn(message),
    });
    return Response.json(answer.body, { status: answer.status });
  } catch (error) {
    // A 5xx makes Shopify retry later with the same webhook id, which is what we want here.
    console.error("Shopify webhook could not be stored", error);
    return Response.json({ error: "Could not store the webhook; please retry." }, { status: 503 });
  }
}
