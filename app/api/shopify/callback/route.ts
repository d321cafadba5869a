// GET /api/shopify/callback — Shopify's authorize page sends the admin back here with a code: the
// install is checked and completed, the webhooks registered, and the admin lands on the shop.
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { completeShopifyInstall } from "@/lib/integrations/shopify/install";
import { registerShopifyWebhooks } from "@/lib/integrations/shopify/sync";

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function GET(request: Request): Promise<Response> {
  const answer = await completeShopifyInstall(db(), { request, now: new Date() });
  if (!answer.ok) {
    const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Install refused</title></head>
<body><main><h1>The Shopify install was refused</h1><p role="alert">${escape(answer.error)}</p>
<p><a href="/support/merchants">Back to the shops</a></p></main></body></html>`;
    return new Response(page, { status: answer.status, headers: { "content-type": "text/html; charset=utf-8" } });
  }
  try {
    await registerShopifyWebhooks(db(), answer.merchantId);
  } catch (error) {
    // The worker registers them on its next turn; the shop's page says they are not registered yet.
    console.warn(`Shopify webhooks for ${answer.shop} not registered yet`, error);
  }
  const headers = new Headers(answer.headers);
  headers.set("location", `${env().APP_URL.replace(/\/$/, "")}/support/merchants/${answer.merchantSlug}/settings`);
  return new Response(null, { status: 303, headers });
}
