import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { demo, signIn, test } from "./support";

// Never an unescaped string in a page: hostile text put in through the real ingest API and the
// support console comes back out as text, on every page and email that shows it. Each payload
// calls __xss(n), which the page defines before any script of ours runs, so an injection that
// executes is recorded (and one that calls alert() fails the test through the dialog listener).
//
// Escaping is the same HTML at any viewport, so these run in the desktop project only; the phone
// project would repeat the same assertions on the same markup.

const stamp = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1_000)}`;

const hostile = {
  number: (id: string) => `#<img src=x onerror=__xss(1)>${id}`,
  name: `"><script>__xss(2)</script><svg onload=__xss(3)>`,
  address: `<iframe src="javascript:__xss(4)"></iframe>`,
  carrier: `<b onmouseover=__xss(5)>UPS</b>`,
  tracking: `<svg/onload=alert(6)>`,
  trackingUrl: `https://track.example/?q="><img src=x onerror=__xss(7)>`,
  note: `<img src=x onerror=__xss(8)>'; drop table orders; --`,
};

let dialogs: string[] = [];

test.beforeEach(async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "escaping does not depend on the viewport");
  await page.addInitScript(() => {
    const fired: number[] = [];
    Object.assign(window, { __fired: fired, __xss: (n: number) => fired.push(n) });
  });
  dialogs = [];
  page.on("dialog", (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
});

test.afterEach(() => {
  expect(dialogs, "a dialog opened: injected script ran").toEqual([]);
});

/** Nothing injected ran or exists on the current page (or in `frame`, for emails). */
async function expectInert(page: Page) {
  expect(
    await page.evaluate(() => (window as unknown as { __fired: number[] }).__fired),
    `injected script ran on ${page.url()}`,
  ).toEqual([]);
  await expect(
    page.locator('img[src="x"], svg[onload], [onerror], [onmouseover], iframe[src^="javascript" i]'),
  ).toHaveCount(0);
  // Next's own inline scripts carry the page data (our strings inside JS string literals); a
  // script element that is ours would start with the payload.
  expect(
    await page.evaluate(() => [...document.scripts].filter((s) => /^\s*__xss/.test(s.textContent ?? "")).length),
  ).toBe(0);
  await expect(page.locator('a[href^="javascript:" i], a[href^=" javascript:" i], a[href^="data:" i]')).toHaveCount(0);
}

/** An order with hostile text everywhere the ingest API takes text, one item shipped with a hostile tracking link. */
async function hostileOrder(request: APIRequestContext) {
  const id = stamp();
  const auth = { authorization: `Bearer ${demo().apiKey}` };
  const number = hostile.number(id);
  const email = `xss.${id}@example.com`;
  const created = await request.post("/api/v1/orders", {
    headers: auth,
    data: {
      number,
      email,
      customerName: hostile.name,
      shippingAddress: { name: hostile.name, line1: hostile.address, city: hostile.address.slice(0, 100) },
      lines: [
        { sku: "NW-MUG", quantity: 1 },
        { sku: "NW-BASE-M", quantity: 1 },
      ],
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  // A script link is refused by the API itself; an odd but real http link is kept, as an attribute.
  const scriptLink = await request.post("/api/v1/shipments", {
    headers: auth,
    data: {
      orderNumber: number,
      carrier: "UPS",
      trackingNumber: "1",
      trackingUrl: "javascript:__xss(9)",
      lines: [{ sku: "NW-MUG", quantity: 1 }],
    },
  });
  expect(scriptLink.status()).toBe(422);
  const shipped = await request.post("/api/v1/shipments", {
    headers: auth,
    data: {
      orderNumber: number,
      carrier: hostile.carrier,
      trackingNumber: hostile.tracking,
      trackingUrl: hostile.trackingUrl,
      lines: [{ sku: "NW-MUG", quantity: 1 }],
    },
  });
  expect(shipped.status(), await shipped.text()).toBe(201);
  return { number, email };
}

/** The shipped line shows the hostile carrier, tracking number and link as text and one http(s) href. */
async function expectTrackingAsText(page: Page) {
  await expect(page.getByText(hostile.tracking, { exact: false }).first()).toBeVisible();
  await expect(page.getByText(hostile.carrier, { exact: false }).first()).toBeVisible();
  const links = page.locator('a[href^="https://track.example/"]');
  await expect(links.first()).toBeVisible();
  expect(await links.first().getAttribute("href")).toBe(hostile.trackingUrl);
}

test("hostile text from the ingest API shows as text on the signed view, the shopper's pages and the shipped email", async ({
  page,
  request,
}) => {
  const { number, email } = await hostileOrder(request);

  // Looked up with number and email, as a shopper without an account.
  await page.goto("/");
  await page.getByLabel("Order number").fill(number);
  await page.getByLabel("Email you ordered with").fill(email);
  await page.getByRole("button", { name: "Find my order" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Order ${number}` })).toBeVisible();
  expect(page.url()).toContain("/o/");
  await expectTrackingAsText(page);
  await expectInert(page);

  // Signed in: the list and the order page.
  await signIn(page, email, "/orders");
  await expect(page.getByText(number).first()).toBeVisible();
  await expectInert(page);
  await page
    .getByRole("link", { name: new RegExp(number.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) })
    .first()
    .click();
  await expect(page.getByRole("heading", { level: 1, name: `Order ${number}` })).toBeVisible();
  await expectTrackingAsText(page);
  await expectInert(page);

  // The shipped email, as the worker sent it: the subject and body carry the number as text.
  await expect(async () => {
    await page.goto(`/dev/mailbox?to=${encodeURIComponent(email)}`);
    await expect(page.getByRole("link", { name: /has shipped/ }).first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 90_000, intervals: [1000, 2000, 3000] });
  await expect(page.getByText(number).first()).toBeVisible();
  await expectInert(page);
  await page
    .getByRole("link", { name: /has shipped/ })
    .first()
    .click();
  await expectInert(page);
  const mail = page.frameLocator("iframe");
  await expect(mail.locator("body")).toContainText(number);
  await expect(mail.locator('img[src="x"], svg[onload], [onerror], [onmouseover], script')).toHaveCount(0);
  await expect(mail.locator('a[href^="javascript:" i]')).toHaveCount(0);
  expect(await mail.locator('a[href^="https://track.example/"]').first().getAttribute("href")).toBe(
    hostile.trackingUrl,
  );
});

test("hostile text through the support console shows as text to agents and shoppers; hostile queries answer pages, not errors", async ({
  page,
  request,
}) => {
  const { number, email } = await hostileOrder(request);
  // The admin, not the Northwind agent: sign-in links are limited to 5 per address in 15 minutes, and
  // the support spec signs that agent in four times.
  await signIn(page, "admin@portal.example", "/support");
  await expect(page.getByRole("heading", { name: "Find an order" })).toBeVisible();

  await page.getByLabel("Order number, email, name, SKU or tracking number").fill(email);
  const hit = page.getByRole("link", { name: new RegExp(email.replace(/[.]/g, "\\.")) }).first();
  await expect(hit).toBeVisible();
  await expect(hit).toContainText(number);
  await expectInert(page);
  await hit.click();
  await expect(page.getByRole("heading", { name: `Order ${number}` })).toBeVisible();
  await expect(page.getByText(hostile.name).first()).toBeVisible();
  await expectInert(page);

  // An internal note and a ship-window note, typed by an agent.
  await page.getByLabel("Internal note (only support sees it)").fill(hostile.note);
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Note added" })).toBeVisible();
  await page.reload();
  await expect(page.getByText(hostile.note).first()).toBeVisible();
  await expectInert(page);

  const line = page.getByRole("article").filter({ hasText: "SKU NW-BASE-M" }).first();
  await line.getByRole("button", { name: "Set ship window" }).click();
  await line.getByLabel("Ships from").fill(new Date(Date.now() + 12 * 86_400_000).toISOString().slice(0, 10));
  await line.getByLabel("Ships by").fill(new Date(Date.now() + 15 * 86_400_000).toISOString().slice(0, 10));
  await line.getByLabel("Note for the shopper (required)").fill(hostile.note);
  await line.getByRole("button", { name: "Save window" }).click();
  await expect(line.getByRole("status")).toHaveText(/Ship window set/);
  const shopperView = await page.getByRole("link", { name: /Open the shopper's view/ }).getAttribute("href");
  await page.goto(shopperView!);
  await expect(page.getByText(`Note from support: “${hostile.note}”`)).toBeVisible();
  await expectInert(page);

  // Hostile query strings on the console's pages and routes get an answer, not a 500.
  for (const path of [
    "/support/board?sort=__proto__",
    "/support/board?sort=constructor&merchant=%3Cimg%20src%3Dx%20onerror%3D__xss(10)%3E",
    "/support/audit?action=__proto__&from=2026-02-30&actor=__proto__",
  ]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    await expectInert(page);
  }
  for (const path of [
    "/support/board.csv?sort=__proto__&merchant=------------------------------------",
    `/support/api/search?q=${encodeURIComponent(hostile.note)}`,
  ]) {
    const response = await page.request.get(path);
    expect(response.status(), `${path}: ${(await response.text()).slice(0, 200)}`).toBe(200);
  }
  // A NUL in a query string is refused before any route runs: a 400 with a sentence.
  for (const path of ["/support/audit?action=%00", "/support/api/search?q=ab%00cd"]) {
    const response = await page.request.get(path);
    expect(response.status(), path).toBe(400);
    expect(await response.text(), path).toMatch(/malformed %-escape or a character that cannot be used/);
  }
});
