import { desc, eq } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { shopifyComplianceRequests, shopifyConnections } from "../../db/schema/integrations";

/** What an admin sees of a shop's app install: the connection, its webhooks, the backfill's progress. */
export async function shopifyAppStatus(db: DbOrTx, merchantId: string) {
  const [connection] = await db.select().from(shopifyConnections).where(eq(shopifyConnections.merchantId, merchantId));
  if (!connection) return null;
  const compliance = await db
    .select({
      topic: shopifyComplianceRequests.topic,
      summary: shopifyComplianceRequests.summary,
      completedAt: shopifyComplianceRequests.completedAt,
    })
    .from(shopifyComplianceRequests)
    .where(eq(shopifyComplianceRequests.merchantId, merchantId))
    .orderBy(desc(shopifyComplianceRequests.completedAt))
    .limit(10);
  return {
    shopDomain: connection.shopDomain,
    scopes: connection.scopes,
    installedAt: connection.installedAt,
    installedBy: connection.installedBy,
    uninstalledAt: connection.uninstalledAt,
    redactAt: connection.redactAt,
    tokenRejectedAt: connection.tokenRejectedAt,
    webhookTopics: connection.webhookSubscriptions.map((s) => s.topic),
    webhooksRegisteredAt: connection.webhooksRegisteredAt,
    backfill: {
      status: connection.backfillStatus,
      products: connection.backfillProducts,
      variants: connection.backfillVariants,
      error: connection.backfillError,
      updatedAt: connection.backfillUpdatedAt,
    },
    compliance,
  };
}

export type ShopifyAppStatus = NonNullable<Awaited<ReturnType<typeof shopifyAppStatus>>>;
