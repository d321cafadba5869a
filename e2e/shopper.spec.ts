import { expect, type Page } from "@playwright/test";
import { demo, demoOrder, expectNoAxeViolations, lookUp, projectIndex, signIn, test } from "./support";

/** Each browser project acts on its own demo orders (every third), so the runs do not step on each other. */
function pick(list: { number: string; email: string }[], testInfo: { project: { name: string } }, offset = 0) {
  const index = projectIndex(testInfo) + offset * 3;
  const found = list[index];
  if (!found) throw new Error("Not enough demo orders for the browser tests");
  return found;
}

/** The item cards titled `title`, exactly. */
const cardsTitled = (page: Page, title: string) =>
  page.locator("article").filter({ has: page.getByRole("heading", { name: title, exact: true }) });

/**
 * The first item card with the `button`, and its title. The card is found by that title, since its
 * buttons change as the shopper goes through the steps.
 */
async function firstCardWith(page: Page, button: string) {
  const title = (await page
    .locator("article")
    .filter({ has: page.getByRole("button", { name: button }) })
    .first()
    .getByRole("heading")
    .textContent())!;
  return { title, card: cardsTitled(page, title).first() };
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
  // With JavaScript, public/js/forms.js (allowed by this response's CSP nonce) opens it in place;
  // without, the button is a GET that opens it.
  if (testInfo.project.name === "no-js") await expect(page).toHaveURL(/[?&]cancel=/);
  else await expect(page).not.toHaveURL(/[?&]cancel=/);
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
  const { title, card: waiting } = await firstCardWith(page, "Swap for an in-stock item");
  await waiting.getByRole("button", { name: "Swap for an in-stock item" }).click();
  // Nothing is chosen for the shopper, and swapping without a choice asks for one and changes nothing.
  const radios = waiting.getByRole("radio");
  for (const radio of await radios.all()) await expect(radio).not.toBeChecked();
  await waiting.getByRole("button", { name: "Swap to this item" }).click();
  await expect(waiting.locator("input[type=radio]:invalid").first()).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Swapped." })).toHaveCount(0);
  // Each choice says what kind of change it is: another size or colour of the item, or another item.
  const first = waiting.locator("label").first();
  await expect(first).toContainText(/The same item in .+|A different item the shop suggests instead/);
  const label = (await first.locator("span.font-medium").textContent())!;
  await radios.first().check();
  await expectNoAxeViolations(page);
  await waiting.getByRole("button", { name: "Swap to this item" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Swapped." })).toBeVisible();
  const old = cardsTitled(page, title);
  await expect(old.getByText("Swapped", { exact: true })).toBeVisible();
  const replacement = cardsTitled(page, label).last();
  await expect(replacement.locator("header").getByText("Ready to ship")).toBeVisible();
  // Who swapped, and when, on both lines.
  await expect(replacement).toContainText(/You swapped to this item on [A-Z][a-z]{2} \d+; it comes from stock\./);
  await expect(old).toContainText(/You swapped this for .+ on [A-Z][a-z]{2} \d+, shown below\./);
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
  // Not yours, or no such order: one answer, in the portal's own frame, with a way back.
  const texts: string[] = [];
  for (const id of [orderId, "00000000-0000-4000-8000-000000000000"]) {
    const response = await page.goto(`/orders/${id}`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "We cannot find that page" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Look up an order" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Your orders" }).last()).toBeVisible();
    const body = await page.content();
    expect(body).not.toContain(theirs.number);
    expect(body).not.toMatch(/at \w+ \(|node_modules|Error:/);
    texts.push(await page.locator("main").innerText());
  }
  expect(texts[0]).toBe(texts[1]);
  await expectNoAxeViolations(page);
});

/** The order id behind a signed view link (its token's payload names it). */
function orderIdOf(viewUrl: string): string {
  return (JSON.parse(Buffer.from(viewUrl.split("/o/")[1]!.split(".")[0]!, "base64url").toString()) as { o: string }).o;
}

test("a forged form cannot cancel another shopper's order", async ({ page }, testInfo) => {
  const mine = pick(demo().samples.cancellable, testInfo, 2);
  const theirs = demo().samples.cancellable.at(-1)!;
  const answer = await page.request.post("/lookup", {
    data: { number: theirs.number, email: theirs.email },
    headers: { accept: "application/json" },
  });
  const { url: theirView } = (await answer.json()) as { url: string };
  const theirOrderId = orderIdOf(theirView);
  await page.goto(theirView);
  const waitingBefore = await page.getByText(/Waiting for stock|Waiting, no date yet|Partly shipped/).count();
  expect(waitingBefore).toBeGreaterThan(0);

  await signIn(page, mine.email);
  await page.getByRole("link", { name: new RegExp(`Order ${mine.number}\\b`) }).click();
  const { card } = await firstCardWith(page, "Cancel item");
  await card.getByRole("button", { name: "Cancel item" }).click();
  // Point the confirmation form at the other shopper's order, and drop the line: "cancel all".
  await card.evaluate((article, orderId) => {
    const form = article.querySelector('input[name="lineId"]')!.closest("form")!;
    form.action = `/orders/${orderId}/cancel`;
    form.querySelector('input[name="lineId"]')!.remove();
  }, theirOrderId);
  await card.getByRole("button", { name: "Yes, cancel it" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: "We could not find that order for the email you signed in with." }),
  ).toBeVisible();

  // The same by hand, with the other order's id in the form too (the address names the order).
  const forged = await page.request.post(`/orders/${theirOrderId}/cancel`, {
    form: { orderId: theirOrderId },
    headers: { origin: new URL(page.url()).origin, referer: page.url() },
    maxRedirects: 0,
  });
  expect(forged.status()).toBe(303);

  await page.goto(theirView);
  await expect(page.getByText(/Waiting for stock|Waiting, no date yet|Partly shipped/)).toHaveCount(waitingBefore);
});

test("a form post from another site is refused and changes nothing", async ({ page }, testInfo) => {
  const mine = pick(demo().samples.cancellable, testInfo, 1);
  await signIn(page, mine.email);
  await page.getByRole("link", { name: new RegExp(`Order ${mine.number}\\b`) }).click();
  const orderPage = page.url();
  const waiting = /Waiting for stock|Waiting, no date yet|Partly shipped/;
  const before = await page.getByText(waiting).count();
  expect(before).toBeGreaterThan(0);
  const orderId = new URL(orderPage).pathname.split("/")[2]!;
  // The shopper's own cookies, sent by a page on another site (what a cross-site form would do).
  const foreign: Record<string, string>[] = [
    { origin: "https://shop.attacker.example" },
    { referer: "https://shop.attacker.example/win" },
    { origin: "null" },
  ];
  for (const headers of foreign) {
    const response = await page.request.post(`/orders/${orderId}/cancel`, { form: {}, headers, maxRedirects: 0 });
    expect(response.status()).toBe(403);
    expect(await response.text()).toBe("This form can only be sent from this site's own pages.");
  }
  await page.goto(orderPage);
  await expect(page.getByText(waiting)).toHaveCount(before);
});

test("a shopper chooses how the order ships, and every item still to ship then shows the order's window", async ({
  page,
}) => {
  // Two items waiting, on different deliveries: they could ship apart, so the choice is offered.
  const order = demoOrder("rolling backorder");
  await signIn(page, order.email);
  await page.getByRole("link", { name: new RegExp(`Order ${order.number}\\b`) }).click();
  const choices = page.getByRole("group", { name: "How should it ship?" });
  const together = choices.getByRole("radio", { name: "Ship everything together, once it is all here" });
  const available = choices.getByRole("radio", { name: "Ship what is ready now, the rest when it arrives" });
  const choose = (await together.isChecked()) ? available : together;
  await choose.check();
  await page.getByRole("button", { name: "Save shipping choice" }).click();
  await expect(page.getByRole("status")).toHaveText(
    choose === together
      ? "Saved: everything ships together once it is all here."
      : "Saved: items ship as soon as each is ready.",
  );
  const asChosen = page.locator("article").getByText(/, with the rest of your order, as you chose\.$/);
  if (choose === together) {
    // Every item still to ship ships in the order's window (the latest item's), and says so.
    const toShip = page
      .locator("article")
      .filter({ has: page.locator('[aria-current="step"]', { hasText: /Waiting|Ready/ }) });
    expect(await toShip.count()).toBeGreaterThanOrEqual(2);
    await expect(asChosen).toHaveCount(await toShip.count());
    expect(new Set(await asChosen.allTextContents()).size).toBe(1);
    await expect(page.locator("section[aria-labelledby=answer-heading]")).toContainText(
      "It ships in one parcel, as you chose",
    );
  } else await expect(asChosen).toHaveCount(0);
  await expectNoAxeViolations(page);
  await page.reload();
  await expect(choose).toBeChecked();
});

test("the sign-in pages, a failed sign-in and a page that does not exist read well and pass axe", async ({
  page,
}, testInfo) => {
  await page.goto("/signin");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expectNoAxeViolations(page);
  // Someone else's address: no sign-in happens from this test, only the pages on the way.
  await page.getByLabel("Your email").fill(`axe-check-${testInfo.project.name}@shopper.example`);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.goto("/signin/error?error=Verification");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expectNoAxeViolations(page);
  const missing = await page.goto("/no-such-page");
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole("link", { name: /look up|find/i }).first()).toBeVisible();
  await expectNoAxeViolations(page);
});
