// GET /api/shopify/install?shop=<name>.myshopify.com&merchant=<slug> (or &newName=…&newSlug=…) — an
// admin starts installing the app on a shop: we answer with Shopify's authorize page.
import { eq } from "drizzle-orm";
import { agentOrNull } from "@/app/support/guard";
import { db } from "@/lib/db/client";
import { merchants } from "@/lib/db/schema/merchants";
import { shopifyAppConfigured } from "@/lib/integrations/shopify/app";
import { startShopifyInstall, type InstallTarget } from "@/lib/integrations/shopify/install";

export async function GET(request: Request): Promise<Response> {
  const scope = await agentOrNull();
  if (!scope || scope.role !== "admin") {
    return Response.json({ error: "Only admins can install the Shopify app on a shop." }, { status: 403 });
  }
  if (!shopifyAppConfigured()) {
    return Response.json(
      { error: "The Shopify app is not configured here: set SHOPIFY_API_KEY and SHOPIFY_API_SECRET." },
      { status: 409 },
    );
  }
  const query = new URL(request.url).searchParams;
  let target: InstallTarget;
  const slug = query.get("merchant");
  if (slug) {
    const [merchant] = await db().select({ id: merchants.id }).from(merchants).where(eq(merchants.slug, slug));
    if (!merchant) return Response.json({ error: `There is no merchant ${slug}.`, field: "merchant" }, { status: 404 });
    target = { merchantId: merchant.id };
  } else {
    target = { newMerchant: { name: query.get("newName") ?? "", slug: (query.get("newSlug") ?? "").trim() } };
  }
  const answer = await startShopifyInstall(db(), {
    request,
    shop: query.get("shop"),
    target,
    startedBy: scope.email,
    now: new Date(),
  });
  if (!answer.ok) return Response.json({ error: answer.error, field: answer.field }, { status: 400 });
  return answer.response;
}
