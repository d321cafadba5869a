import { expect, type Page } from "@playwright/test";
import { demo, expectNoAxeViolations, signIn, test, viewOrderId } from "./support";

// Its own agent: sign-in links are limited to 5 per address in 15 minutes (two tests, two screens).
const agent = "console@northwind.example";

/** The page itself never scrolls sideways: wide tables scroll inside their own region. */
async function expectNoSidewaysScroll(page: Page) {
  const [scrollWidth, viewport] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(scrollWidth, "page width against the viewport").toBeLessThanOrEqual(viewport);
}

async function openOrder(page: Page, number: string) {
  await page.goto("/support");
  const search = page.getByLabel("Order number, email, name, SKU or tracking number");
  await search.click();
  await search.pressSequentially(number);
  await page.getByRole("link", { name: new RegExp(`${number}\\b`) }).click();
  await expect(page.getByRole("heading", { name: `Order ${number}` })).toBeVisible();
}

test("an agent's swap starts with nothing chosen and asks for confirmation naming both items", async ({
  page,
}, testInfo) => {
  const northwind = demo().samples.swappable.filter((o) => o.merchant === "northwind");
  const order = northwind[(testInfo.project.name === "phone" ? 2 : 3) % northwind.length]!;
  await signIn(page, agent, "/support");
  await openOrder(page, order.number);
  const line = page
    .getByRole("article")
    .filter({ has: page.getByRole("button", { name: "Swap", exact: true }) })
    .first();
  await line.getByRole("button", { name: "Swap", exact: true }).click();
  const choice = line.getByLabel(/^Swap .* to$/);
  await expect(choice).toHaveValue("");
  await expect(line.getByRole("button", { name: "Review swap" })).toBeDisabled();
  const option = (await choice.locator("option:not([disabled])").first().textContent())!;
  await choice.selectOption({ label: option });
  await line.getByRole("button", { name: "Review swap" }).click();
  const confirm = line.getByRole("group", { name: "Confirm the swap" });
  await expect(confirm).toContainText(`for ${option}? The shopper is emailed that support made the change.`);
  await expectNoAxeViolations(page);
  await confirm.getByRole("button", { name: "Confirm swap" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Swapped for the shopper" })).toBeVisible();

  // The audit log names the order by its number.
  await page.goto("/support/audit?actor=agent");
  await expect(page.getByRole("link", { name: order.number }).first()).toBeVisible();
});

test("the console fits the screen, and an order that is not there or not the agent's gets the console's own page", async ({
  page,
}) => {
  const order = demo().samples.forAgents[3]!;
  await signIn(page, agent, "/support");
  for (const path of ["/support", "/support/board", "/support/audit"]) {
    await page.goto(path);
    await expectNoSidewaysScroll(page);
  }
  await openOrder(page, order.number);
  await expectNoSidewaysScroll(page);
  const resend = page.getByRole("button", { name: /^Resend / }).first();
  await resend.scrollIntoViewIfNeeded();
  const box = (await resend.boundingBox())!;
  expect(box.x + box.width, "the Resend button's right edge").toBeLessThanOrEqual(page.viewportSize()!.width);

  // Not there, or another shop's: one answer, with a way back.
  const lumen = demo().tryThese.find((o) => o.merchant === "lumen-loom")!;
  const answer = await page.request.post("/lookup", {
    data: { number: lumen.number, email: lumen.email },
    headers: { accept: "application/json" },
  });
  const { url } = (await answer.json()) as { url: string };
  const lumenId = viewOrderId(url);
  const texts: string[] = [];
  for (const id of [lumenId, "00000000-0000-4000-8000-000000000000"]) {
    const response = await page.goto(`/support/orders/${id}`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Find an order" }).last()).toBeVisible();
    texts.push(await page.locator("main").innerText());
  }
  expect(texts[0]).toBe(texts[1]);
  await expectNoAxeViolations(page);
});

test("the console says every date in words and every time in the shop's zone, named on the page", async ({ page }) => {
  // Its own agent (sign-in links are limited per address); Northwind's shop is in New York.
  await signIn(page, "zones@northwind.example", "/support");
  const rolling = demo().tryThese.find((o) => o.merchant === "northwind" && o.what.includes("rolling"))!;
  const isoDate = /\b\d{4}-\d{2}-\d{2}\b/;

  await openOrder(page, rolling.number);
  await expect(page.getByText("Times in America/New_York", { exact: false }).first()).toBeVisible();
  const timeline = page.getByRole("region", { name: "Timeline" });
  await expect(timeline.getByRole("listitem").first()).toBeVisible();
  const story = await timeline.innerText();
  expect(story).not.toMatch(isoDate);
  expect(story).toMatch(/ships (on )?\w{3}, \w{3} \d{1,2}|ships between \w{3}, \w{3} \d{1,2} and/i);
  const main = await page.locator("main").innerText();
  expect(main).not.toMatch(isoDate);
  expect(main).not.toMatch(/\bUTC\b|Basis:? po\b/);
  await expectNoAxeViolations(page);

  await page.goto("/support/audit");
  await expect(page.getByText("Times in America/New_York", { exact: false }).first()).toBeVisible();
  const audit = await page.getByRole("table").innerText();
  expect(audit).not.toMatch(/\bUTC\b/);
  expect(audit).not.toMatch(/\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}\b/);
  await expectNoAxeViolations(page);

  await page.goto("/support/merchants/northwind");
  await expect(page.getByText("Times in America/New_York", { exact: false }).first()).toBeVisible();
  expect(await page.locator("main").innerText()).not.toMatch(/\bUTC\b/);
});
