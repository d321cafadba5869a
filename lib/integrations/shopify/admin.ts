import { GraphqlQueryError, HttpResponseError, Session } from "@shopify/shopify-api";
import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { shopifyConnections, type ShopifyConnection } from "../../db/schema/integrations";
import { env } from "../../env";
import { openToken } from "../../security/token-box";
import { shopifyApp } from "./app";

// Calls to a shop's Admin GraphQL API, through the library's client. Two rules hold for every call:
// a shop that uninstalled the app (or whose token Shopify refused) gets no call at all, and
// THROTTLED answers wait for the bucket to refill by the cost Shopify reports, then retry.
// 429 and 5xx are retried by the library's client itself (`retries`).

export class ShopifyUnavailable extends Error {
  override name = "ShopifyUnavailable";
}

export type AdminOptions = {
  /** Waits between THROTTLED retries; tests pass a fake to keep time. */
  sleep?: (ms: number) => Promise<void>;
  throttleRetries?: number;
};

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type Throttle = { requestedQueryCost?: number; currentlyAvailable?: number; restoreRate?: number };

/** How long until the bucket holds the query's cost again (at least a second, at most a minute). */
export function throttleWaitMs(cost: Throttle | undefined): number {
  const requested = cost?.requestedQueryCost ?? 50;
  const available = cost?.currentlyAvailable ?? 0;
  const rate = cost?.restoreRate && cost.restoreRate > 0 ? cost.restoreRate : 50;
  return Math.min(60_000, Math.max(1000, Math.ceil(((requested - available) / rate) * 1000)));
}

function throttleOf(error: GraphqlQueryError): Throttle | null {
  const body = error.body as {
    errors?: { graphQLErrors?: { extensions?: { code?: string } }[] };
    extensions?: {
      cost?: { requestedQueryCost?: number; throttleStatus?: { currentlyAvailable?: number; restoreRate?: number } };
    };
  };
  if (!body?.errors?.graphQLErrors?.some((e) => e.extensions?.code === "THROTTLED")) return null;
  const cost = body.extensions?.cost;
  return {
    requestedQueryCost: cost?.requestedQueryCost,
    currentlyAvailable: cost?.throttleStatus?.currentlyAvailable,
    restoreRate: cost?.throttleStatus?.restoreRate,
  };
}

export async function loadConnection(db: DbOrTx, merchantId: string): Promise<ShopifyConnection | null> {
  const [connection] = await db.select().from(shopifyConnections).where(eq(shopifyConnections.merchantId, merchantId));
  return connection ?? null;
}

/** Runs one GraphQL operation for the merchant's installed shop and returns its `data`. */
export async function adminGraphql<T>(
  db: DbOrTx,
  merchantId: string,
  operation: string,
  variables: Record<string, unknown> = {},
  options: AdminOptions = {},
): Promise<T> {
  const connection = await loadConnection(db, merchantId);
  if (!connection || connection.uninstalledAt || !connection.accessTokenSealed) {
    throw new ShopifyUnavailable("The shop has not installed the app (or uninstalled it); nothing is sent to Shopify.");
  }
  if (connection.tokenRejectedAt) {
    throw new ShopifyUnavailable("Shopify refused the shop's access token; the shop needs to install the app again.");
  }
  const accessToken = openToken(env().SHOPIFY_TOKEN_KEY!, connection.accessTokenSealed, connection.shopDomain);
  const session = new Session({
    id: `offline_${connection.shopDomain}`,
    shop: connection.shopDomain,
    state: "",
    isOnline: false,
    accessToken,
  });
  const client = new (shopifyApp().clients.Graphql)({ session });
  const sleep = options.sleep ?? sleepFor;
  const throttleRetries = options.throttleRetries ?? 5;
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await client.request(operation, { variables, retries: 2 });
      return response.data as T;
    } catch (error) {
      if (error instanceof GraphqlQueryError) {
        const throttle = throttleOf(error);
        if (throttle && attempt < throttleRetries) {
          await sleep(throttleWaitMs(throttle));
          continue;
        }
      }
      if (error instanceof HttpResponseError && error.response.code === 401) {
        // Revoked or expired: stop calling until the shop installs again, and say so to the admin.
        await db
          .update(shopifyConnections)
          .set({ tokenRejectedAt: sql`now()` })
          .where(eq(shopifyConnections.merchantId, merchantId));
        throw new ShopifyUnavailable(
          "Shopify refused the shop's access token; the shop needs to install the app again.",
        );
      }
      throw error;
    }
  }
}

/** A mutation's `userErrors`, as one sentence, or null when there are none. */
export function userErrorsText(errors: { field?: string[] | null; message: string }[] | undefined): string | null {
  if (!errors?.length) return null;
  return errors.map((e) => (e.field?.length ? `${e.field.join(".")}: ${e.message}` : e.message)).join("; ");
}
