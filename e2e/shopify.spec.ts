import { createHmac } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { e2eShopify } from "./shopify-standin-config";
import { signIn, test } from "./support";

// Installing the Shopify app from the support console, through the stand-in's authorize page
// (e2e/serve.ts runs it and points the app at it), and callbacks tampered with on the way back.

// The library refuses OAuth to user agents it takes for bots, and headless Chromium says so.
test.use({
  userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
});

/** A callback query signed the way Shopify signs it, with the stand-in's app secret. */
function signedCallback(query: Record<string, string>, secret = e2eShopify.apiSecret) {
  const message = new URLSearchParams(Object.entries(query).sort(([a], [b]) => a.localeCompare(b))).toString();
  return `/api/shopify/callback?${new URLSearchParams({ ...query, hmac: createHmac("sha256", secret).update(message).digest("hex") })}`;
}

const callbackFor = (shop: string, state: string) =>
  signedCallback({
    code: "0123456789abcdef0123456789abcdef",
    host: Buffer.from(`${shop}/admin`).toString("base64url"),
    shop,
    state,
    timestamp: String(Math.trunc(Date.now() / 1000)),
  });

async function expectRefused(page: Page, path: string, sentence: RegExp) {
  const response = await page.goto(path);
  expect(response?.status()).toBe(400);
  await expect(page.getByRole("heading", { name: "The Shopify install was refused" })).toBeVisible();
  await expect(page.getByRole("alert")).toHaveText(sentence);
}

test("an admin installs the app on a new shop: webhooks registered, catalogue filled; tampered callbacks refused", async ({
  page,
}, testInfo) => {
  const index = testInfo.project.name === "phone" ? 0 : 1;
  const shop = e2eShopify.shops[index]!;
  const slug = `e2e-outfitters-${testInfo.project.name}`;
  await signIn(page, e2eShopify.admin, "/support/merchants");
  await page.goto("/support/merchants");

  const form = page.getByRole("region", { name: "Install the app on a new shop" });
  await form.getByLabel("Shop domain").fill(shop);
  await form.getByLabel("New merchant's name").fill(`E2E Outfitters ${testInfo.project.name}`);
  await form.getByLabel("Its slug (in addresses)").fill(slug);
  const callbacks: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/shopify/callback")) callbacks.push(request.url());
  });
  await form.getByRole("button", { name: "Install the Shopify app" }).click();

  // The stand-in approved at once and sent the browser back; we land on the new shop's settings.
  await expect(page).toHaveURL(new RegExp(`/support/merchants/${slug}/settings$`));
  const app = page.getByRole("region", { name: "Shopify app" });
  await expect(app).toContainText(`App installed on ${shop}`);
  await expect(app).toContainText("read_products,read_inventory,write_orders,read_fulfillments");
  await expect(app).toContainText("9 registered: ORDERS_CREATE");
  await expect(app).toContainText("APP_UNINSTALLED");
  // The worker backfills two products a page; the page shows its progress until it is done.
  await expect(async () => {
    await page.reload();
    await expect(app).toContainText("Backfill done: 5 products, 10 SKUs", { timeout: 1000 });
  }).toPass({ timeout: 30_000 });

  // Tampered callbacks: each refused with its sentence, and nothing of them stored.
  const real = new URL(callbacks[0]!);
  const badHmac = new URLSearchParams(real.search);
  badHmac.set("hmac", "0".repeat(64));
  await expectRefused(
    page,
    `/api/shopify/callback?${badHmac}`,
    /signature \(hmac\) does not match.*Nothing was stored/,
  );
  await expectRefused(page, callbackFor(shop, "999999999999999"), /not started here.*Nothing was stored/);

  // Another shop: an install started for one shop, answered with a callback signed for another.
  const target = `e2e-target-${testInfo.project.name}.myshopify.com`;
  // The admin's session starts the install without following it to the authorize page.
  const started = await page.request.get(
    `/api/shopify/install?${new URLSearchParams({ shop: target, newName: "Target", newSlug: `e2e-target-${testInfo.project.name}` })}`,
    { maxRedirects: 0 },
  );
  expect(started.status()).toBe(302);
  const state = new URL(started.headers().location!).searchParams.get("state")!;
  const intruder = `e2e-intruder-${testInfo.project.name}.myshopify.com`;
  await expectRefused(
    page,
    callbackFor(intruder, state),
    new RegExp(
      `started for ${target.replaceAll(".", "\\.")}, not ${intruder.replaceAll(".", "\\.")}.*Nothing was stored`,
    ),
  );
  await page.goto("/support/merchants");
  await expect(page.getByRole("link", { name: "Target" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: `E2E Outfitters ${testInfo.project.name}` })).toBeVisible();
});
