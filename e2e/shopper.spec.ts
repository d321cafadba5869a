import { expect, type Page } from "@playwright/test";
import { demo, demoOrder, expectNoAxeViolations, signIn, test } from "./support";

/** Each browser project acts on its own demo orders, so the runs do not step on each other. */
function pick(list: { number: string; email: string }[], testInfo: { project: { name: string } }, offset = 0) {
  const index = (testInfo.project.name === "phone" ? 0 : 1) + offset;
  const found = list[index];
  if (!found) throw new Error("Not enough demo orders for the browser tests");
  return found;
}

async function lookUp(page: Page, number: string, email: string) {
  await page.goto("/");
  await page.getByLabel("Order number").fill(number);
  await page.getByLabel("Email you ordered with").fill(email);
  await page.getByRole("button", { name: "Find my order" }).click();
}

/** Requests a magic link, reads it from the dev mailbox and presses Sign in, as a person would. */
test("a shopper looks up an order by number and email and sees its lines and windows", async ({ page }) => {
  const order = demoOrder("partial backorder");
  await lookUp(page, order.number.replace("#", ""), order.email.toUpperCase());
  await expect(page.getByRole("heading", { level: 1, name: `Order ${order.number}` })).toBeVisible();
  await expect(page.getByText(/shipped/).first()).toBeVisible();
  await expect(page.getByText(/Ships (between )?\w{3}, \w{3} \d+/).first()).toBeVisible();
  await expect(page.getByText(/orders? (is|are) ahead of yours|Yours is next in line/).first()).toBeVisible();
  // A signed view link: status and windows, a masked email, and no actions.
  await expect(page.getByText(/For \w•+@example\.com/)).toBeVisible();
  await expect(page.getByRole("button", { name: /Cancel|Swap/ })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "sign in with the email you ordered with" })).toBeVisible();
  await expectNoAxeViolations(page);
});

test("a rolling backorder shows its badge and how its date moved", async ({ page }) => {
  const order = demoOrder("rolling backorder");
  await lookUp(page, order.number, order.email);
  await expect(page.getByText(/Date moved \d+ times/).first()).toBeVisible();
  const history = page.locator("details[open]").first();
  await expect(history.getByText(/How this date has moved \(\d+ changes\)/)).toBeVisible();
  await expect(history.getByText("The supplier's delivery moved later", { exact: false }).first()).toBeVisible();
  await expectNoAxeViolations(page);
});

test("a wrong email gets the same answer as a missing order", async ({ page }) => {
  const order = demoOrder("fully shipped");
  await lookUp(page, order.number, "someone.else@example.com");
  const message = page.getByRole("status").filter({ hasText: "We could not find an order" });
  await expect(message).toBeVisible();
  const wrongEmail = await message.textContent();
  await lookUp(page, "#999999", order.email);
  await expect(page.getByRole("status").filter({ hasText: "We could not find an order" })).toHaveText(wrongEmail!);
  await expectNoAxeViolations(page);
});

test("a shopper signs in by magic link and cancels a waiting item", async ({ page }, testInfo) => {
  const order = pick(demo().samples.cancellable, testInfo);
  await signIn(page, order.email);
  await expect(page.getByRole("heading", { name: "Your orders" })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("link", { name: new RegExp(`Order ${order.number}\\b`) }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Order ${order.number}` })).toBeVisible();
  await expectNoAxeViolations(page);

  const waiting = page
    .locator("article")
    .filter({ has: page.getByText(/Waiting for stock|Waiting, no date yet|Partly shipped/) })
    .first();
  const title = await waiting.getByRole("heading").textContent();
  await waiting.getByRole("button", { name: "Cancel item" }).click();
  await expect(waiting.getByText(/goes back to your original payment/)).toBeVisible();
  await expectNoAxeViolations(page);
  await waiting.getByRole("button", { name: "Yes, cancel it" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Cancelled \d+ items?/ })).toBeVisible();
  const cancelled = page.locator("article").filter({ has: page.getByRole("heading", { name: title! }) });
  await expect(cancelled.getByText("Cancelled", { exact: true })).toBeVisible();
  await expect(cancelled.getByText(/is\s+refunded to your original payment/)).toBeVisible();

  // Cancelling again (a double click, a retried request) changes nothing.
  await page.reload();
  await expect(cancelled.getByRole("button", { name: "Cancel item" })).toHaveCount(0);

  // The confirmation email arrives (the worker runs inside the app with the embedded database).
  await expect(async () => {
    await page.goto(`/dev/mailbox?to=${encodeURIComponent(order.email)}`);
    await expect(
      page.getByRole("link", { name: new RegExp(`Order ${order.number.replace(/[#-]/g, ".")}: .*cancelled`) }).first(),
    ).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
});

test("a shopper swaps a waiting item to an in-stock alternative", async ({ page }, testInfo) => {
  const order = pick(demo().samples.swappable, testInfo);
  await signIn(page, order.email);
  await page.getByRole("link", { name: new RegExp(`Order ${order.number}\\b`) }).click();
  const title = (await page
    .locator("article")
    .filter({ has: page.getByRole("button", { name: "Swap for an in-stock item" }) })
    .first()
    .getByRole("heading")
    .textContent())!;
  // The card by its title: its buttons change as the shopper goes through the steps.
  const waiting = page
    .locator("article")
    .filter({ has: page.getByRole("heading", { name: title, exact: true }) })
    .first();
  await waiting.getByRole("button", { name: "Swap for an in-stock item" }).click();
  const choice = waiting.getByRole("radio").first();
  await expect(choice).toBeChecked();
  const label = (await waiting.locator("label").first().locator("span.font-medium").textContent())!;
  await expectNoAxeViolations(page);
  await waiting.getByRole("button", { name: "Swap to this item" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Swapped." })).toBeVisible();
  const old = page.locator("article").filter({ has: page.getByRole("heading", { name: title, exact: true }) });
  await expect(old.getByText("Swapped", { exact: true })).toBeVisible();
  const replacement = page
    .locator("article")
    .filter({ has: page.getByRole("heading", { name: label, exact: true }) })
    .last();
  await expect(replacement.getByText("Ready to ship")).toBeVisible();
  await expect(async () => {
    await page.goto(`/dev/mailbox?to=${encodeURIComponent(order.email)}`);
    await expect(
      page.getByRole("link", { name: new RegExp(`Order ${order.number.replace(/[#-]/g, ".")}: swapped to`) }).first(),
    ).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
});

test("an expired or used sign-in link is refused with a sentence and an offer of a new one", async ({
  page,
}, testInfo) => {
  const order = pick(demo().samples.cancellable, testInfo, 2);
  const link = await signIn(page, order.email);
  await expect(page.getByRole("heading", { name: "Your orders" })).toBeVisible();
  // The same link again: already used.
  await page.context().clearCookies();
  await page.goto(link.replace(/^https?:\/\/[^/]+/, ""));
  await expect(page.getByRole("heading", { name: "This sign-in link no longer works" })).toBeVisible();
  await expect(page.getByText(/expired or was already used/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Send me a new link" })).toBeVisible();
  await expectNoAxeViolations(page);
});

test("the order page of someone else is not found, and /orders needs sign-in", async ({ page }, testInfo) => {
  await page.goto("/orders");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=(%2F|\/)orders$/);
  const mine = pick(demo().samples.cancellable, testInfo, 3);
  const theirs = demoOrder("fully shipped");
  await signIn(page, mine.email);
  // Find the other order's id through its view link, then try it as the signed-in shopper.
  const answer = await page.request.post("/lookup", {
    data: { number: theirs.number, email: theirs.email },
    headers: { accept: "application/json" },
  });
  const { url } = (await answer.json()) as { url: string };
  const orderId = (
    JSON.parse(Buffer.from(url.split("/o/")[1]!.split(".")[0]!, "base64url").toString()) as { o: string }
  ).o;
  const response = await page.goto(`/orders/${orderId}`);
  expect(response?.status()).toBe(404);
});

test("a forged server-action payload cannot cancel another shopper's order", async ({ page }, testInfo) => {
  const mine = pick(demo().samples.cancellable, testInfo, 2);
  const theirs = demo().samples.cancellable[5]!;
  const answer = await page.request.post("/lookup", {
    data: { number: theirs.number, email: theirs.email },
    headers: { accept: "application/json" },
  });
  const { url: theirView } = (await answer.json()) as { url: string };
  const theirOrderId = (
    JSON.parse(Buffer.from(theirView.split("/o/")[1]!.split(".")[0]!, "base64url").toString()) as { o: string }
  ).o;
  await page.goto(theirView);
  const waitingBefore = await page.getByText(/Waiting for stock|Waiting, no date yet|Partly shipped/).count();
  expect(waitingBefore).toBeGreaterThan(0);

  await signIn(page, mine.email);
  await page.getByRole("link", { name: new RegExp(`Order ${mine.number}\\b`) }).click();
  const card = page
    .locator("article")
    .filter({ has: page.getByRole("button", { name: "Cancel item" }) })
    .first();
  await card.getByRole("button", { name: "Cancel item" }).click();
  // Point the confirmation form at the other shopper's order, and drop the line: "cancel all".
  await page.evaluate((orderId) => {
    const form = document.querySelector('input[name="lineId"]')!.closest("form")!;
    (form.querySelector('input[name="orderId"]') as HTMLInputElement).value = orderId;
    form.querySelector('input[name="lineId"]')!.remove();
  }, theirOrderId);
  await page.getByRole("button", { name: "Yes, cancel it" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: "We could not find that order for the email you signed in with." }),
  ).toBeVisible();

  await page.goto(theirView);
  await expect(page.getByText(/Waiting for stock|Waiting, no date yet|Partly shipped/)).toHaveCount(waitingBefore);
});
