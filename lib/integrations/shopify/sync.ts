import { and, eq, isNull, lte, sql } from "drizzle-orm";
import { systemActor } from "../../audit/actor";
import { writeAudit } from "../../audit/log";
import type { DbOrTx } from "../../db/client";
import { shopifyConnections } from "../../db/schema/integrations";
import { merchants } from "../../db/schema/merchants";
import { transaction } from "../../db/transaction";
import { env } from "../../env";
import { adminGraphql, ShopifyUnavailable, userErrorsText, type AdminOptions } from "./admin";
import { syncShopifyProduct } from "./catalog";
import { describeIssues, shopifyProductSchema } from "./payloads";

// What follows an install, through the Admin GraphQL API: the webhook subscriptions, then the
// catalogue backfill. The backfill goes a page at a time, each page in its own transaction with the
// cursor it ends at, so a worker that stops (or a throttled shop) resumes after the last page
// applied instead of starting over; the counts on the connection are what the admin watches.

/** The topics we handle, plus app/uninstalled. The compliance topics are set in the app's config. */
export const subscribedTopics = [
  "ORDERS_CREATE",
  "ORDERS_UPDATED",
  "ORDERS_CANCELLED",
  "FULFILLMENTS_CREATE",
  "FULFILLMENTS_UPDATE",
  "INVENTORY_LEVELS_UPDATE",
  "PRODUCTS_CREATE",
  "PRODUCTS_UPDATE",
  "APP_UNINSTALLED",
] as const;

const listSubscriptions = `query WebhookSubscriptions {
  webhookSubscriptions(first: 100) { nodes { id topic uri } }
}`;

const createSubscription = `mutation WebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}`;

export function webhookAddress(slug: string): string {
  return `${env().APP_URL.replace(/\/$/, "")}/api/webhooks/shopify/${slug}`;
}

/** Subscribes the shop to every topic not subscribed yet at our address; safe to run again. */
export async function registerShopifyWebhooks(
  db: DbOrTx,
  merchantId: string,
  options: AdminOptions & { now?: Date } = {},
): Promise<{ topic: string; id: string }[]> {
  const [merchant] = await db.select({ slug: merchants.slug }).from(merchants).where(eq(merchants.id, merchantId));
  if (!merchant) throw new Error("Merchant not found.");
  const uri = webhookAddress(merchant.slug);
  const existing = await adminGraphql<{
    webhookSubscriptions: { nodes: { id: string; topic: string; uri: string }[] };
  }>(db, merchantId, listSubscriptions, {}, options);
  const subscribed = existing.webhookSubscriptions.nodes
    .filter((s) => s.uri === uri)
    .map((s) => ({ topic: s.topic, id: s.id }));
  for (const topic of subscribedTopics) {
    if (subscribed.some((s) => s.topic === topic)) continue;
    const created = await adminGraphql<{
      webhookSubscriptionCreate: {
        webhookSubscription: { id: string; topic: string } | null;
        userErrors: { field?: string[]; message: string }[];
      };
    }>(db, merchantId, createSubscription, { topic, webhookSubscription: { uri, format: "JSON" } }, options);
    const problem = userErrorsText(created.webhookSubscriptionCreate.userErrors);
    if (problem || !created.webhookSubscriptionCreate.webhookSubscription) {
      throw new Error(`Shopify refused the ${topic} subscription: ${problem ?? "no subscription returned"}.`);
    }
    subscribed.push({ topic, id: created.webhookSubscriptionCreate.webhookSubscription.id });
  }
  const now = options.now ?? new Date();
  await transaction(db, async (tx) => {
    await tx
      .update(shopifyConnections)
      .set({ webhookSubscriptions: subscribed, webhooksRegisteredAt: now })
      .where(eq(shopifyConnections.merchantId, merchantId));
    await writeAudit(tx, systemActor("shopify-install"), now, [
      {
        merchantId,
        action: "shopify.webhooks_registered",
        entityType: "merchant",
        entityId: merchantId,
        after: { uri, topics: subscribed.map((s) => s.topic) },
      },
    ]);
  });
  return subscribed;
}

const catalogPage = `query CatalogPage($first: Int!, $after: String) {
  products(first: $first, after: $after, sortKey: ID) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id title handle featuredImage { url }
      variants(first: 100) { nodes { id title sku price inventoryPolicy inventoryItem { id } } }
    }
  }
}`;

type CatalogNode = {
  id: string;
  title: string;
  handle: string;
  featuredImage?: { url: string } | null;
  variants: {
    nodes: {
      id: string;
      title: string | null;
      sku: string | null;
      price: string;
      inventoryPolicy: string;
      inventoryItem: { id: string } | null;
    }[];
  };
};

/** `gid://shopify/Product/123` → `123` (the ids our webhooks and tables use). */
export const legacyId = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);

/** The GraphQL product in the products/* webhook's shape, so both go through syncShopifyProduct. */
export function productFromGraphql(node: CatalogNode) {
  return shopifyProductSchema.safeParse({
    id: legacyId(node.id),
    title: node.title,
    handle: node.handle,
    image: node.featuredImage ? { src: node.featuredImage.url } : null,
    variants: node.variants.nodes.map((v) => ({
      id: legacyId(v.id),
      sku: v.sku || null,
      title: v.title,
      price: v.price,
      inventory_item_id: v.inventoryItem ? legacyId(v.inventoryItem.id) : null,
      inventory_policy: v.inventoryPolicy.toLowerCase(),
    })),
  });
}

export type BackfillStep = "page" | "done" | "idle";

const backfillLeaseSeconds = 120;

/** Seconds before a failed page is tried again. */
const backfillRetrySeconds = [10, 60, 300, 1800, 7200];

/** Applies the next page of one shop's catalogue; "idle" when no backfill is due. */
export async function backfillNextPage(
  db: DbOrTx,
  merchantId: string,
  options: AdminOptions & { now?: Date; pageSize?: number } = {},
): Promise<BackfillStep> {
  const now = options.now ?? new Date();
  // A lease: of two workers, one takes the page; a worker that dies frees it when the lease ends.
  const [connection] = await db
    .update(shopifyConnections)
    .set({ backfillNextAttemptAt: new Date(now.getTime() + backfillLeaseSeconds * 1000) })
    .where(
      and(
        eq(shopifyConnections.merchantId, merchantId),
        isNull(shopifyConnections.uninstalledAt),
        sql`${shopifyConnections.backfillStatus} in ('pending','running')`,
        lte(shopifyConnections.backfillNextAttemptAt, now),
      ),
    )
    .returning();
  if (!connection) return "idle";
  let data: { products: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: CatalogNode[] } };
  try {
    data = await adminGraphql(
      db,
      merchantId,
      catalogPage,
      { first: options.pageSize ?? 50, after: connection.backfillCursor },
      options,
    );
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    const failures = Number(/\(attempt (\d+)\)$/.exec(connection.backfillError ?? "")?.[1] ?? 0) + 1;
    const delay = backfillRetrySeconds[failures - 1];
    const stop = error instanceof ShopifyUnavailable || delay === undefined;
    await db
      .update(shopifyConnections)
      .set({
        backfillStatus: stop ? "failed" : "running",
        backfillError: stop ? message : `${message} (attempt ${failures})`,
        backfillNextAttemptAt: stop ? null : new Date(now.getTime() + delay * 1000),
        backfillUpdatedAt: now,
      })
      .where(eq(shopifyConnections.merchantId, merchantId));
    return "idle";
  }
  const { nodes, pageInfo } = data.products;
  const done = !pageInfo.hasNextPage;
  await transaction(db, async (tx) => {
    let variants = 0;
    for (const node of nodes) {
      const product = productFromGraphql(node);
      // One malformed product must not stop the rest of the catalogue; it is named in the log.
      if (!product.success) {
        console.warn(
          `Shopify backfill for ${merchantId}: product ${node.id} skipped: ${describeIssues(product.error)}`,
        );
        continue;
      }
      await syncShopifyProduct(tx, { merchantId, product: product.data, actor: systemActor("shopify-backfill"), now });
      variants += product.data.variants.filter((v) => v.sku).length;
    }
    await tx
      .update(shopifyConnections)
      .set({
        backfillStatus: done ? "done" : "running",
        backfillCursor: pageInfo.endCursor ?? connection.backfillCursor,
        backfillProducts: sql`${shopifyConnections.backfillProducts} + ${nodes.length}`,
        backfillVariants: sql`${shopifyConnections.backfillVariants} + ${variants}`,
        backfillError: null,
        backfillNextAttemptAt: done ? null : now,
        backfillUpdatedAt: now,
      })
      .where(eq(shopifyConnections.merchantId, merchantId));
  });
  return done ? "done" : "page";
}

/** The worker's turn: webhooks for shops that have none yet, then one page per due backfill. */
export async function runShopifySync(
  db: DbOrTx,
  options: AdminOptions & { now?: Date; log?: (message: string) => void } = {},
): Promise<number> {
  const now = options.now ?? new Date();
  let work = 0;
  const unregistered = await db
    .select({ merchantId: shopifyConnections.merchantId })
    .from(shopifyConnections)
    .where(
      and(
        isNull(shopifyConnections.uninstalledAt),
        isNull(shopifyConnections.tokenRejectedAt),
        isNull(shopifyConnections.webhooksRegisteredAt),
      ),
    );
  for (const { merchantId } of unregistered) {
    try {
      await registerShopifyWebhooks(db, merchantId, options);
      work++;
    } catch (error) {
      options.log?.(`Shopify webhooks for ${merchantId} not registered yet: ${String(error)}`);
    }
  }
  const due = await db
    .select({ merchantId: shopifyConnections.merchantId })
    .from(shopifyConnections)
    .where(
      and(
        isNull(shopifyConnections.uninstalledAt),
        sql`${shopifyConnections.backfillStatus} in ('pending','running')`,
        lte(shopifyConnections.backfillNextAttemptAt, now),
      ),
    );
  for (const { merchantId } of due) {
    if ((await backfillNextPage(db, merchantId, options)) !== "idle") work++;
  }
  return work;
}
