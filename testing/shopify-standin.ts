import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A local stand-in for Shopify, over real HTTP, for tests and the Playwright journey: the OAuth
// authorize page (it approves at once and redirects back with a signed callback, as Shopify does
// once the merchant clicks Install), the code-for-token exchange, and the Admin GraphQL endpoint
// for the operations the portal sends (shop, webhook subscriptions, the product catalogue, order
// metafields and tags). Failures on demand: HTTP 429/5xx, THROTTLED with Shopify's cost data, and
// an expired token (401). Paths are `/<shop>.myshopify.com/admin/...`, which is where the app's
// SHOPIFY_ADMIN_BASE_URL sends `https://<shop>.myshopify.com/admin/...`.

export type StandInVariant = {
  id: string;
  title: string;
  sku: string | null;
  price: string;
  inventoryPolicy: "DENY" | "CONTINUE";
  inventoryItemId: string;
};
export type StandInProduct = { id: string; title: string; handle: string; variants: StandInVariant[] };

export type StandInFailure =
  | { status: 429 | 500 | 502 | 503; retryAfter?: number }
  | { throttled: { requestedQueryCost: number; currentlyAvailable: number; restoreRate: number } };

export type GraphqlCall = {
  shop: string;
  operation: string;
  variables: Record<string, unknown>;
  status: number;
  throttled: boolean;
};

type ShopState = {
  products: StandInProduct[];
  webhooks: { id: string; topic: string; uri: string }[];
  metafields: Map<string, { namespace: string; key: string; type: string; value: string }>;
  tags: Map<string, Set<string>>;
};

export type ShopifyStandIn = {
  url: string;
  apiKey: string;
  apiSecret: string;
  calls: GraphqlCall[];
  authorizeRequests: { shop: string; scope: string; redirectUri: string }[];
  /** Tokens handed out, by shop. */
  tokens: Map<string, string>;
  shop(domain: string): ShopState;
  setProducts(domain: string, products: StandInProduct[]): void;
  /** The next `count` GraphQL requests fail this way. */
  failNext(count: number, failure: StandInFailure): void;
  /** The shop's token now answers 401, as an expired or revoked one does. */
  expireToken(domain: string): void;
  /** A callback query exactly as Shopify signs it (to tamper with in tests). */
  signedCallback(params: { shop: string; state: string; code?: string; timestamp?: number }): URLSearchParams;
  /** Products answered per page (Shopify's `first`, capped here to force pagination). */
  pageSize: number;
  close(): Promise<void>;
};

export function makeProducts(count: number, prefix = "SI"): StandInProduct[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `gid://shopify/Product/${1000 + i}`,
    title: `Stand-in product ${i + 1}`,
    handle: `stand-in-product-${i + 1}`,
    variants: [
      {
        id: `gid://shopify/ProductVariant/${5000 + i * 2}`,
        title: "Small",
        sku: `${prefix}-${i + 1}-S`,
        price: "19.50",
        inventoryPolicy: "CONTINUE",
        inventoryItemId: `gid://shopify/InventoryItem/${9000 + i * 2}`,
      },
      {
        id: `gid://shopify/ProductVariant/${5001 + i * 2}`,
        title: "Large",
        sku: `${prefix}-${i + 1}-L`,
        price: "24.00",
        inventoryPolicy: "DENY",
        inventoryItemId: `gid://shopify/InventoryItem/${9001 + i * 2}`,
      },
    ],
  }));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

const cost = (requested: number) => ({
  cost: {
    requestedQueryCost: requested,
    actualQueryCost: requested,
    throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 2000 - requested, restoreRate: 100 },
  },
});

export async function startShopifyStandIn(
  options: { apiKey?: string; apiSecret?: string; port?: number } = {},
): Promise<ShopifyStandIn> {
  const apiKey = options.apiKey ?? "standin-client-id-0001";
  const apiSecret = options.apiSecret ?? "standin-client-secret-0123456789abcdef";
  const shops = new Map<string, ShopState>();
  const codes = new Map<string, string>();
  const tokens = new Map<string, string>();
  const expired = new Set<string>();
  const failures: StandInFailure[] = [];
  const calls: GraphqlCall[] = [];
  const authorizeRequests: ShopifyStandIn["authorizeRequests"] = [];
  let subscriptionCounter = 0;
  let metafieldCounter = 0;

  const shopState = (domain: string): ShopState => {
    let state = shops.get(domain);
    if (!state) {
      state = { products: [], webhooks: [], metafields: new Map(), tags: new Map() };
      shops.set(domain, state);
    }
    return state;
  };

  function signedCallback(params: { shop: string; state: string; code?: string; timestamp?: number }) {
    const query: Record<string, string> = {
      code: params.code ?? randomBytes(16).toString("hex"),
      host: Buffer.from(`${params.shop}/admin`).toString("base64url"),
      shop: params.shop,
      state: params.state,
      timestamp: String(params.timestamp ?? Math.trunc(Date.now() / 1000)),
    };
    codes.set(query.code!, params.shop);
    // Shopify's recipe: every parameter but hmac, sorted, as a query string, HMAC-SHA256 in hex.
    const message = new URLSearchParams(Object.entries(query).sort(([a], [b]) => a.localeCompare(b))).toString();
    const hmac = createHmac("sha256", apiSecret).update(message).digest("hex");
    return new URLSearchParams({ ...query, hmac });
  }

  function graphql(shop: string, operation: string, variables: Record<string, unknown>): unknown {
    const state = shopState(shop);
    switch (operation) {
      case "ShopInfo":
        return {
          data: {
            shop: { name: shop.split(".")[0], email: `owner@${shop}`, currencyCode: "USD", ianaTimezone: "UTC" },
          },
          extensions: cost(1),
        };
      case "WebhookSubscriptions":
        return {
          data: {
            webhookSubscriptions: {
              nodes: state.webhooks.map((w) => ({ id: w.id, topic: w.topic, uri: w.uri })),
            },
          },
          extensions: cost(5),
        };
      case "WebhookSubscriptionCreate": {
        const topic = String(variables.topic);
        const uri = String((variables.webhookSubscription as { uri?: string })?.uri ?? "");
        if (state.webhooks.some((w) => w.topic === topic && w.uri === uri)) {
          return {
            data: {
              webhookSubscriptionCreate: {
                webhookSubscription: null,
                userErrors: [
                  { field: ["webhookSubscription", "uri"], message: "Address for this topic has already been taken" },
                ],
              },
            },
            extensions: cost(10),
          };
        }
        const created = { id: `gid://shopify/WebhookSubscription/${++subscriptionCounter}`, topic, uri };
        state.webhooks.push(created);
        return {
          data: { webhookSubscriptionCreate: { webhookSubscription: created, userErrors: [] } },
          extensions: cost(10),
        };
      }
      case "CatalogPage": {
        const after = variables.after ? Number(Buffer.from(String(variables.after), "base64").toString()) : 0;
        const first = Math.min(Number(variables.first ?? 50), standIn.pageSize);
        const page = state.products.slice(after, after + first);
        const end = after + page.length;
        return {
          data: {
            products: {
              pageInfo: {
                hasNextPage: end < state.products.length,
                endCursor: page.length ? Buffer.from(String(end)).toString("base64") : null,
              },
              nodes: page.map((p) => ({
                id: p.id,
                title: p.title,
                handle: p.handle,
                variants: {
                  nodes: p.variants.map((v) => ({
                    id: v.id,
                    title: v.title,
                    sku: v.sku,
                    price: v.price,
                    inventoryPolicy: v.inventoryPolicy,
                    inventoryItem: { id: v.inventoryItemId },
                  })),
                },
              })),
            },
          },
          extensions: cost(2 + first * 3),
        };
      }
      case "OrderEtaMetafield":
      case "OrderEtaWrite": {
        const metafieldList = (variables.metafields as { ownerId: string }[]) ?? [];
        const id = String(variables.id ?? metafieldList[0]?.ownerId);
        for (const m of (variables.metafields as { namespace: string; key: string; type: string; value: string }[]) ??
          []) {
          state.metafields.set(`${id}|${m.namespace}.${m.key}`, m);
        }
        const tags = state.tags.get(id) ?? new Set<string>();
        for (const tag of (variables.tags as string[]) ?? []) tags.add(tag);
        state.tags.set(id, tags);
        return {
          data: {
            metafieldsSet: { metafields: [{ id: `gid://shopify/Metafield/${++metafieldCounter}` }], userErrors: [] },
            tagsAdd: { node: { id }, userErrors: [] },
          },
          extensions: cost(20),
        };
      }
      default:
        return { errors: [{ message: `The stand-in does not know the operation ${operation}.` }] };
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://stand-in");
      const [, shop = "", ...rest] = url.pathname.split("/");
      const path = `/${rest.join("/")}`;
      if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop)) return json(res, 404, { errors: "Not Found" });

      if (req.method === "GET" && path === "/admin/oauth/authorize") {
        const redirectUri = url.searchParams.get("redirect_uri") ?? "";
        const state = url.searchParams.get("state") ?? "";
        if (url.searchParams.get("client_id") !== apiKey || !redirectUri || !state) {
          res.writeHead(400, { "content-type": "text/plain" });
          return res.end("Oauth error invalid_request: The client id or redirect uri is missing or wrong.");
        }
        authorizeRequests.push({ shop, scope: url.searchParams.get("scope") ?? "", redirectUri });
        res.writeHead(302, { location: `${redirectUri}?${signedCallback({ shop, state }).toString()}` });
        return res.end();
      }

      if (req.method === "POST" && path === "/admin/oauth/access_token") {
        const body = JSON.parse((await readBody(req)) || "{}") as Record<string, string>;
        if (body.client_id !== apiKey || body.client_secret !== apiSecret) {
          return json(res, 400, { error: "invalid_client", error_description: "Client credentials are invalid" });
        }
        if (!body.code || codes.get(body.code) !== shop) {
          return json(res, 400, {
            error: "invalid_request",
            error_description: "The authorization code was not found or was already used",
          });
        }
        codes.delete(body.code);
        const token = `shpat_${randomBytes(16).toString("hex")}`;
        tokens.set(shop, token);
        expired.delete(shop);
        return json(res, 200, { access_token: token, scope: standInScopes(authorizeRequests, shop) });
      }

      const graphqlPath = /^\/admin\/api\/[0-9]{4}-[0-9]{2}\/graphql\.json$/;
      if (req.method === "POST" && graphqlPath.test(path)) {
        const body = JSON.parse((await readBody(req)) || "{}") as {
          query?: string;
          variables?: Record<string, unknown>;
        };
        const operation = /^\s*(?:query|mutation)\s+(\w+)/.exec(body.query ?? "")?.[1] ?? "";
        const variables = body.variables ?? {};
        const call: GraphqlCall = { shop, operation, variables, status: 200, throttled: false };
        calls.push(call);
        const token = req.headers["x-shopify-access-token"];
        if (!token || token !== tokens.get(shop) || expired.has(shop)) {
          call.status = 401;
          return json(res, 401, {
            errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
          });
        }
        const failure = failures.shift();
        if (failure && "status" in failure) {
          call.status = failure.status;
          return json(
            res,
            failure.status,
            {
              errors: failure.status === 429 ? "Exceeded 2 calls per second for api client." : "Internal Server Error",
            },
            failure.retryAfter !== undefined ? { "retry-after": String(failure.retryAfter) } : {},
          );
        }
        if (failure && "throttled" in failure) {
          call.throttled = true;
          return json(res, 200, {
            errors: [
              {
                message: "Throttled",
                extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
              },
            ],
            extensions: {
              cost: {
                requestedQueryCost: failure.throttled.requestedQueryCost,
                actualQueryCost: null,
                throttleStatus: {
                  maximumAvailable: 2000,
                  currentlyAvailable: failure.throttled.currentlyAvailable,
                  restoreRate: failure.throttled.restoreRate,
                },
              },
            },
          });
        }
        return json(res, 200, graphql(shop, operation, variables));
      }
      return json(res, 404, { errors: "Not Found" });
    })().catch((error: unknown) => json(res, 500, { errors: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const standIn: ShopifyStandIn = {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    apiSecret,
    calls,
    authorizeRequests,
    tokens,
    shop: shopState,
    setProducts: (domain, products) => {
      shopState(domain).products = products;
    },
    failNext: (count, failure) => {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    expireToken: (domain) => {
      expired.add(domain);
    },
    signedCallback,
    pageSize: 50,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return standIn;
}

/** Shopify grants what the authorize page asked for. */
function standInScopes(requests: { shop: string; scope: string }[], shop: string): string {
  return requests.findLast((r) => r.shop === shop)?.scope ?? "";
}
