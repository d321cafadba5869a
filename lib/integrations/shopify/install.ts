import { createHash } from "node:crypto";
import { CookieNotFound, InvalidHmacError, InvalidOAuthError, ShopifyError } from "@shopify/shopify-api";
import { and, eq, isNull } from "drizzle-orm";
import type { Actor } from "../../audit/actor";
import { writeAudit } from "../../audit/log";
import type { DbOrTx } from "../../db/client";
import { shopifyConnections, shopifyInstallStates } from "../../db/schema/integrations";
import { merchants } from "../../db/schema/merchants";
import { transaction } from "../../db/transaction";
import { env } from "../../env";
import { sealToken } from "../../security/token-box";
import { shopifyApp, shopifyCallbackPath, standInUrl } from "./app";

// Installing the app on a shop by OAuth (authorization code grant, offline token), with the
// library's begin and callback: begin signs the `state` into a cookie and builds Shopify's authorize
// URL; callback checks the HMAC, the state against that cookie and the shop's domain, then exchanges
// the code. Around them we keep what the library cannot: which merchant the admin chose, in a
// one-use row under the state's hash, so a callback for another shop, or a replayed one, links
// nothing.

export type InstallTarget = { merchantId: string } | { newMerchant: { name: string; slug: string } };

export type InstallAnswer = { ok: true; response: Response } | { ok: false; field: string; error: string };

/** The authorize page has this long; the library's state cookie lives one minute of it. */
const installMinutes = 10;

const hashState = (state: string) => createHash("sha256").update(state).digest("hex");

/** `<name>.myshopify.com`, lower-cased, or null (the library's own check). */
export function cleanShopDomain(shop: string | null | undefined): string | null {
  if (!shop) return null;
  return shopifyApp().utils.sanitizeShop(shop.trim().toLowerCase()) ?? null;
}

export async function startShopifyInstall(
  db: DbOrTx,
  params: { request: Request; shop: string | null; target: InstallTarget; startedBy: string; now: Date },
): Promise<InstallAnswer> {
  const shop = cleanShopDomain(params.shop);
  if (!shop)
    return { ok: false, field: "shop", error: "The shop must be a Shopify domain like my-shop.myshopify.com." };

  const [installed] = await db
    .select({ merchantId: shopifyConnections.merchantId, uninstalledAt: shopifyConnections.uninstalledAt })
    .from(shopifyConnections)
    .where(eq(shopifyConnections.shopDomain, shop));
  const target = params.target;
  if ("merchantId" in target) {
    const [merchant] = await db.select({ id: merchants.id }).from(merchants).where(eq(merchants.id, target.merchantId));
    if (!merchant) return { ok: false, field: "merchant", error: "That merchant does not exist." };
    if (installed && installed.merchantId !== merchant.id) {
      return { ok: false, field: "shop", error: `${shop} is linked to another merchant; uninstall it there first.` };
    }
  } else {
    const { name, slug } = target.newMerchant;
    if (!name.trim() || name.length > 200) return { ok: false, field: "name", error: "The new merchant needs a name." };
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) {
      return { ok: false, field: "slug", error: "The slug is lower-case letters, digits and dashes." };
    }
    const [taken] = await db.select({ id: merchants.id }).from(merchants).where(eq(merchants.slug, slug));
    if (taken)
      return { ok: false, field: "slug", error: `The slug ${slug} is taken; choose another or link that merchant.` };
    if (installed) {
      return { ok: false, field: "shop", error: `${shop} is linked to a merchant already; install it there.` };
    }
  }

  const response = await shopifyApp().auth.begin({
    shop,
    callbackPath: shopifyCallbackPath,
    isOnline: false,
    rawRequest: params.request,
  });
  const location = response.headers.get("location");
  const state = location ? new URL(location).searchParams.get("state") : null;
  if (!state) {
    // The library answers 410 to a request it takes for a bot, with no authorize URL.
    return { ok: false, field: "shop", error: "The install could not start from this browser; try another one." };
  }
  await db.insert(shopifyInstallStates).values({
    stateHash: hashState(state),
    shopDomain: shop,
    merchantId: "merchantId" in target ? target.merchantId : null,
    newMerchantName: "newMerchant" in target ? target.newMerchant.name.trim() : null,
    newMerchantSlug: "newMerchant" in target ? target.newMerchant.slug : null,
    startedBy: params.startedBy,
    createdAt: params.now,
    expiresAt: new Date(params.now.getTime() + installMinutes * 60_000),
  });
  const base = env().SHOPIFY_ADMIN_BASE_URL;
  if (base && location) response.headers.set("location", standInUrl(base, location));
  return { ok: true, response };
}

export type CallbackAnswer =
  | { ok: true; merchantId: string; merchantSlug: string; shop: string; headers: Headers }
  | { ok: false; status: number; error: string };

const refused = (error: string, status = 400): CallbackAnswer => ({ ok: false, status, error });

export async function completeShopifyInstall(
  db: DbOrTx,
  params: { request: Request; now: Date },
): Promise<CallbackAnswer> {
  const { request, now } = params;
  const query = Object.fromEntries(new URL(request.url).searchParams.entries());
  const app = shopifyApp();
  // Our own checks first, each with its sentence, before any code is exchanged.
  try {
    if (!(await app.utils.validateHmac(query))) {
      return refused(
        "The callback's signature (hmac) does not match: it did not come from Shopify. Nothing was stored.",
      );
    }
  } catch (error) {
    if (error instanceof InvalidHmacError) {
      return refused(
        `The callback could not be checked (${error.message}). Start the install again. Nothing was stored.`,
      );
    }
    throw error;
  }
  const shop = cleanShopDomain(query.shop);
  if (!shop) return refused("The callback names no valid shop domain. Nothing was stored.");
  const [pending] = await db
    .select()
    .from(shopifyInstallStates)
    .where(eq(shopifyInstallStates.stateHash, hashState(query.state ?? "")));
  if (!pending || pending.usedAt || pending.expiresAt <= now) {
    return refused(
      "This install was not started here, was used already, or has expired. Start it again. Nothing was stored.",
    );
  }
  if (pending.shopDomain !== shop) {
    return refused(`This install was started for ${pending.shopDomain}, not ${shop}. Nothing was stored.`);
  }

  let session;
  let headers: Headers;
  try {
    // The library checks the HMAC again, the state against its signed cookie, and exchanges the code.
    const result = await app.auth.callback({ rawRequest: request });
    session = result.session;
    headers = result.headers as Headers;
  } catch (error) {
    if (error instanceof CookieNotFound || error instanceof InvalidOAuthError) {
      return refused(
        "The install's state does not match this browser's (it was started elsewhere, or more than a minute ago). Start it again. Nothing was stored.",
      );
    }
    if (error instanceof ShopifyError) {
      return refused(
        `Shopify did not give us an access token (${error.message.split("\n")[0]}). Nothing was stored.`,
        502,
      );
    }
    throw error;
  }
  if (!session.accessToken || session.shop !== shop) return refused("Shopify's answer was not for this shop.", 502);

  const sealed = sealToken(env().SHOPIFY_TOKEN_KEY!, session.accessToken, shop);
  const actor: Actor = { type: "agent", id: pending.startedBy };
  const linked = await transaction(db, async (tx) => {
    // One use: of two callbacks racing with the same state, one links and the other is refused.
    const [claimed] = await tx
      .update(shopifyInstallStates)
      .set({ usedAt: now })
      .where(and(eq(shopifyInstallStates.stateHash, pending.stateHash), isNull(shopifyInstallStates.usedAt)))
      .returning({ stateHash: shopifyInstallStates.stateHash });
    if (!claimed) return null;
    let merchantId = pending.merchantId;
    let merchantSlug: string;
    if (merchantId) {
      const [merchant] = await tx
        .update(merchants)
        .set({ shopifyShopDomain: shop })
        .where(eq(merchants.id, merchantId))
        .returning({ slug: merchants.slug });
      merchantSlug = merchant!.slug;
    } else {
      const [merchant] = await tx
        .insert(merchants)
        .values({
          name: pending.newMerchantName!,
          slug: pending.newMerchantSlug!,
          supportEmail: pending.startedBy,
          shopifyShopDomain: shop,
        })
        .returning({ id: merchants.id, slug: merchants.slug });
      merchantId = merchant!.id;
      merchantSlug = merchant!.slug;
    }
    const connection = {
      shopDomain: shop,
      accessTokenSealed: sealed,
      scopes: session.scope ?? "",
      installedAt: now,
      installedBy: pending.startedBy,
      uninstalledAt: null,
      redactAt: null,
      tokenRejectedAt: null,
      webhooksRegisteredAt: null,
      backfillStatus: "pending" as const,
      backfillCursor: null,
      backfillError: null,
      backfillNextAttemptAt: now,
      backfillUpdatedAt: now,
    };
    await tx
      .insert(shopifyConnections)
      .values({ merchantId, ...connection })
      .onConflictDoUpdate({ target: shopifyConnections.merchantId, set: connection });
    await writeAudit(tx, actor, now, [
      {
        merchantId,
        action: "shopify.installed",
        entityType: "merchant",
        entityId: merchantId,
        after: { shop, scopes: session.scope ?? "", newMerchant: !pending.merchantId },
      },
    ]);
    return { merchantId, merchantSlug };
  });
  if (!linked) return refused("This install was completed already. Nothing was changed.");
  return { ok: true, ...linked, shop, headers };
}
