import "@shopify/shopify-api/adapters/web-api";
import { ApiVersion, LogSeverity, shopifyApi, type Shopify } from "@shopify/shopify-api";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { env, EnvError } from "../../env";

// The Shopify app, as Shopify's own library sees it: OAuth, HMAC checks and the Admin GraphQL client
// all come from @shopify/shopify-api. It builds every shop URL as `https://<shop>/…`, so tests point
// it at the local stand-in (testing/shopify-standin.ts) through the library's fetch hook: with
// SHOPIFY_ADMIN_BASE_URL set, `https://<shop>/<path>` goes to `<base>/<shop>/<path>`.

/** What the app asks for, and why (README "Connect Shopify" says the same to merchants). */
export const shopifyScopes = [
  // products/* webhooks and the catalogue backfill (products, variants, SKUs, inventory policy).
  "read_products",
  // inventory_levels/update and the variants' inventory items.
  "read_inventory",
  // orders/* webhooks, and writing the ETA metafield and the rolling-backorder tag back to orders.
  "write_orders",
  // fulfillments/create and fulfillments/update: what shipped, with tracking.
  "read_fulfillments",
] as const;

export const shopifyApiVersion = ApiVersion.July26;

export const shopifyCallbackPath = "/api/shopify/callback";

let cached: { key: string; app: Shopify } | undefined;

/** True when SHOPIFY_API_KEY and SHOPIFY_API_SECRET are set (env.ts checks the token key with them). */
export function shopifyAppConfigured(): boolean {
  return Boolean(env().SHOPIFY_API_KEY);
}

export function shopifyApp(): Shopify {
  const { SHOPIFY_API_KEY, SHOPIFY_API_SECRET, APP_URL, SHOPIFY_ADMIN_BASE_URL } = env();
  if (!SHOPIFY_API_KEY || !SHOPIFY_API_SECRET) {
    throw new EnvError("The Shopify app is not configured: set SHOPIFY_API_KEY and SHOPIFY_API_SECRET.");
  }
  const key = [SHOPIFY_API_KEY, SHOPIFY_API_SECRET, APP_URL, SHOPIFY_ADMIN_BASE_URL ?? ""].join("\n");
  if (cached?.key === key) return cached.app;
  const appUrl = new URL(APP_URL);
  setAbstractFetchFunc(SHOPIFY_ADMIN_BASE_URL ? redirectingFetch(SHOPIFY_ADMIN_BASE_URL) : fetch);
  const app = shopifyApi({
    apiKey: SHOPIFY_API_KEY,
    apiSecretKey: SHOPIFY_API_SECRET,
    scopes: [...shopifyScopes],
    hostName: appUrl.host,
    hostScheme: appUrl.protocol === "http:" ? "http" : "https",
    apiVersion: shopifyApiVersion,
    isEmbeddedApp: false,
    logger: { level: LogSeverity.Warning, log: async (_severity, message) => console.warn(`shopify-api: ${message}`) },
  });
  cached = { key, app };
  return app;
}

/** `https://<shop>.myshopify.com/<path>` → `<base>/<shop>.myshopify.com/<path>`; anything else unchanged. */
export function standInUrl(base: string, url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== "https:" || !parsed.hostname.endsWith(".myshopify.com")) return url;
  return `${base.replace(/\/$/, "")}/${parsed.hostname}${parsed.pathname}${parsed.search}`;
}

function redirectingFetch(base: string): typeof fetch {
  return (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    return fetch(standInUrl(base, url), init);
  };
}
