import { expect } from "vitest";
import type { DbOrTx } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { completeShopifyInstall, startShopifyInstall, type InstallTarget } from "@/lib/integrations/shopify/install";
import type { ShopifyStandIn } from "./shopify-standin";

// The app pointed at the Shopify stand-in, and an admin's browser going through the install: for
// tests that need an installed shop (lib/integrations/shopify/*.test.ts).

export const testTokenKey = Buffer.alloc(32, 7).toString("base64");
export const browserAgent =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
export const testAppUrl = "http://localhost:3899";

const names = ["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_TOKEN_KEY", "SHOPIFY_ADMIN_BASE_URL", "APP_URL"];

export function useStandInApp(standIn: ShopifyStandIn) {
  Object.assign(process.env, {
    SHOPIFY_API_KEY: standIn.apiKey,
    SHOPIFY_API_SECRET: standIn.apiSecret,
    SHOPIFY_TOKEN_KEY: testTokenKey,
    SHOPIFY_ADMIN_BASE_URL: standIn.url,
    APP_URL: testAppUrl,
  });
  resetEnvCache();
}

export function forgetStandInApp() {
  for (const name of names) delete process.env[name];
  resetEnvCache();
}

const cookiesOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");

/** Starts the install and follows the stand-in's authorize page; returns the callback it sends back. */
export async function beginInstall(db: DbOrTx, shop: string, target: InstallTarget) {
  const started = await startShopifyInstall(db, {
    request: new Request(`${testAppUrl}/api/shopify/install?shop=${shop}`, { headers: { "user-agent": browserAgent } }),
    shop,
    target,
    startedBy: "admin@portal.example",
    now: new Date(),
  });
  if (!started.ok) throw new Error(started.error);
  const authorize = started.response.headers.get("location")!;
  const approved = await fetch(authorize, { redirect: "manual" });
  expect(approved.status).toBe(302);
  return { authorize, callback: new URL(approved.headers.get("location")!), cookie: cookiesOf(started.response) };
}

export const finishInstall = (db: DbOrTx, url: URL | string, cookie: string) =>
  completeShopifyInstall(db, {
    request: new Request(url, { headers: { cookie, "user-agent": browserAgent } }),
    now: new Date(),
  });

export async function installShop(db: DbOrTx, shop: string, target: InstallTarget) {
  const { callback, cookie } = await beginInstall(db, shop, target);
  const answer = await finishInstall(db, callback, cookie);
  if (!answer.ok) throw new Error(answer.error);
  return answer;
}
