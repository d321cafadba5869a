import { expect, test } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { orderPayload, productPayload, shopifyBody, shopifyHeaders } from "../testing/shopify-examples";
import { startWebhookReceiver } from "../testing/webhook-receiver";
import { expectNoAxeViolations, signIn } from "./support";

// Integrations in the built app: an admin connects a shop's Shopify and its webhook endpoint in the
// support console, Shopify's webhooks come in over HTTP, the in-app worker applies them and sends
// the resulting cancel to a local receiver, signed so the standardwebhooks library verifies it;
// the delivery log shows it and resends it. Agents get nothing of settings or of other shops.

test("an admin connects Shopify and an endpoint; a Shopify cancel reaches the shop signed, and can be resent", async ({
  page,
}, testInfo) => {
  // Each browser project takes its own shop: both run against one server and database.
  const shop =
    testInfo.project.name === "phone"
      ? { slug: "lumen-loom", name: "Lumen & Loom", currency: "GBP" }
      : { slug: "northwind", name: "Northwind Outfitters", currency: "USD" };
  const shopifySecret = `shpss_${randomBytes(16).toString("hex")}`;
  const receiver = await startWebhookReceiver();
  try {
    await signIn(page, "admin@portal.example", "/support/merchants");
    await expect(page.getByRole("heading", { name: "Shops" })).toBeVisible();
    await expectNoAxeViolations(page);
    await page.getByRole("link", { name: shop.name }).click();
    await expect(page.getByRole("heading", { name: `${shop.name}: integrations` })).toBeVisible();
    await page.getByRole("link", { name: "Settings and secrets" }).click();
    await expect(page.getByRole("heading", { name: `${shop.name}: integration settings` })).toBeVisible();
    await expectNoAxeViolations(page);

    const shopify = page.getByRole("region", { name: "Shopify (custom app)", exact: true });
    await shopify.getByLabel("Shop domain").fill(`${shop.slug}.myshopify.com`);
    await shopify.getByLabel("Shopify webhook secret").fill(shopifySecret);
    await shopify.getByRole("button", { name: "Connect Shopify" }).click();
    await expect(shopify.getByRole("status").filter({ hasText: "Shopify connected" })).toBeVisible();

    const endpoint = page.getByRole("region", { name: "Webhooks to the shop" });
    await endpoint.getByLabel("Endpoint URL").fill(receiver.url);
    await endpoint.getByRole("button", { name: "Create endpoint" }).click();
    const secretBox = endpoint.getByLabel("Signing secret (shown once)");
    await expect(secretBox).toBeVisible();
    const secret = await secretBox.inputValue();
    expect(secret).toMatch(/^whsec_/);
    await expectNoAxeViolations(page);
    // Shown once: after a reload only a hint is left.
    await page.reload();
    await expect(page.getByLabel("Signing secret (shown once)")).toHaveCount(0);
    await expect(page.getByText(`secret ${secret.slice(0, 10)}…${secret.slice(-4)}`)).toBeVisible();
    expect(await page.content()).not.toContain(secret);
    expect(await page.content()).not.toContain(shopifySecret);

    // Shopify's webhooks, signed with the secret just entered.
    const post = async (topic: string, payload: unknown, signWith = shopifySecret) => {
      const body = shopifyBody(payload);
      const webhookId = `e2e-${testInfo.project.name}-${randomBytes(6).toString("hex")}`;
      return page.request.post(`/api/webhooks/shopify/${shop.slug}`, {
        headers: shopifyHeaders({ topic, webhookId, secret: signWith, body, shopDomain: `${shop.slug}.myshopify.com` }),
        data: body,
      });
    };
    const sku = `E2E-${testInfo.project.name.toUpperCase()}-LANTERN`;
    const orderId = testInfo.project.name === "phone" ? "820982911946150001" : "820982911946150002";
    const order = orderPayload({
      id: orderId,
      name: `#E2E-${testInfo.project.name}`,
      email: "e2e.shopper@example.com",
      currency: shop.currency,
      lines: [{ sku, quantity: 2, price: "30.00", title: "Storm Lantern" }],
    });
    expect((await post("orders/create", order, "shpss_wrong-secret-0000000000")).status()).toBe(401);
    expect(
      (
        await post(
          "products/create",
          productPayload({
            id: "900000000000000100",
            title: "Storm Lantern",
            handle: `e2e-lantern-${testInfo.project.name}`,
            variants: [
              {
                id: "900000000000000101",
                sku,
                title: "Default Title",
                price: "30.00",
                inventoryItemId: "900000000000000102",
              },
            ],
          }),
        )
      ).status(),
    ).toBe(200);
    expect((await post("orders/create", order)).status()).toBe(200);
    // The worker applies webhooks in the order received; the cancel waits for its order if needed.
    expect(
      (
        await post("orders/cancelled", { ...order, cancelled_at: new Date().toISOString(), cancel_reason: "customer" })
      ).status(),
    ).toBe(200);

    // The endpoint hears every event type (the order's backorder came first): find the cancel.
    const typeOf = (r: { body: string }) => (JSON.parse(r.body) as { type: string }).type;
    await expect
      .poll(() => receiver.received.some((r) => typeOf(r) === "order_line.cancelled"), { timeout: 30_000 })
      .toBe(true);
    const request = receiver.received.find((r) => typeOf(r) === "order_line.cancelled");
    const event = new Webhook(secret).verify(request!.body, request!.headers) as {
      type: string;
      data: Record<string, unknown>;
    };
    expect(event).toMatchObject({
      type: "order_line.cancelled",
      data: {
        merchant: shop.slug,
        order: { number: `#E2E-${testInfo.project.name}`, externalId: orderId },
        line: { sku },
        units: 2,
        cancelledBy: "shop",
        source: "shopify",
        refund: { amountMinor: 6000, currency: shop.currency },
      },
    });
    expect(() => new Webhook(secret).verify(request!.body.replace("6000", "9000"), request!.headers)).toThrow();

    // The logs agents see: what Shopify sent and did, and what we sent.
    await page.goto(`/support/merchants/${shop.slug}`);
    const shopifyLog = page.getByRole("region", { name: "Shopify log" });
    await expect(shopifyLog.getByRole("row").filter({ hasText: "orders/cancelled" })).toContainText(
      `Order #E2E-${testInfo.project.name} cancelled: 2 open unit(s)`,
    );
    await expect(shopifyLog.getByRole("row").filter({ hasText: "orders/create" }).first()).toContainText("processed");
    const deliveries = page.getByRole("region", { name: "Delivery log" });
    const row = deliveries.getByRole("row").filter({ hasText: request!.headers["webhook-id"]! });
    await expect(row).toContainText("delivered after 1 attempt");
    await expectNoAxeViolations(page);
    await row.getByRole("button", { name: /^Resend order_line\.cancelled/ }).click();
    await expect(row.getByRole("status")).toHaveText(/Queued to send again/);
    const sameId = () => receiver.received.filter((r) => r.headers["webhook-id"] === request!.headers["webhook-id"]);
    await expect.poll(() => sameId().length, { timeout: 30_000 }).toBe(2);
    const again = sameId()[1];
    new Webhook(secret).verify(again!.body, again!.headers);
  } finally {
    await receiver.close();
  }
});

test("an agent sees their own shop's delivery log, and neither settings nor another shop's log", async ({ page }) => {
  // Another Northwind agent than the support spec's (e2e/serve.ts adds it): sign-in links are rate limited per address.
  await signIn(page, "logs@northwind.example", "/support/merchants");
  await expect(page.getByRole("heading", { name: "Shops" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Northwind Outfitters" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Lumen & Loom" })).toHaveCount(0);
  await page.getByRole("link", { name: "Northwind Outfitters" }).click();
  await expect(page.getByRole("heading", { name: "Northwind Outfitters: integrations" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Webhook deliveries" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Settings and secrets" })).toHaveCount(0);
  await expectNoAxeViolations(page);
  expect((await page.goto("/support/merchants/northwind/settings"))?.status()).toBe(404);
  expect((await page.goto("/support/merchants/lumen-loom"))?.status()).toBe(404);
  expect((await page.goto("/support/merchants/lumen-loom/settings"))?.status()).toBe(404);
});
