import { expect, type Page } from "@playwright/test";
import { demo, expectNoAxeViolations, projectIndex, test } from "./support";

// Notifications in the built app: the in-app worker (PGlite, pg-boss through the app's client)
// mails the demo's last day and the delay notices its start-up scan finds into the dev mailbox;
// the links in those emails lead to pages a shopper can use by keyboard on a phone.

/**
 * Opens a dev-mailbox email whose subject matches, waiting for the worker to send it. Each browser
 * project takes a different one (`nth`), since answering a notice changes it for the next run.
 * Emails about the orders other journeys act on (`avoid`: cancels, swaps, an agent's changes) are
 * passed over: by the time this test reads one, its notice may have nothing left to decide.
 */
async function openMail(
  page: Page,
  subject: RegExp,
  nth: number,
  avoid: string[] = [],
): Promise<{ text: string; headers: Record<string, string> }> {
  const mails = () =>
    avoid.reduce(
      (links, number) => links.filter({ hasNotText: `Order ${number}:` }),
      page.getByRole("link", { name: subject }),
    );
  await expect(async () => {
    await page.goto("/dev/mailbox");
    await expect(mails().nth(nth)).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 90_000, intervals: [1000, 2000, 3000] });
  await mails().nth(nth).click();
  const text = (await page.getByTestId("mail-text").textContent()) ?? "";
  const headers: Record<string, string> = {};
  const terms = page.locator("dl dt");
  for (let i = 0; i < (await terms.count()); i++) {
    headers[(await terms.nth(i).textContent())!] = (await page.locator("dl dd").nth(i).textContent())!;
  }
  return { text, headers };
}

const link = (text: string, path: string) => {
  const found = new RegExp(`https?://[^\\s]+${path}[^\\s]+`).exec(text)?.[0];
  expect(found, `a ${path} link in the email`).toBeDefined();
  return new URL(found!).pathname + new URL(found!).search;
};

test("every email has a preview with sample data", async ({ page }) => {
  await page.goto("/dev/mailbox/previews");
  await expect(page.getByRole("heading", { name: "Email previews" })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("link", { name: "Delay notice (renewed, needs “keep waiting”)" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^Action needed: keep waiting for /);
  await expect(page.getByText("List-Unsubscribe-Post")).toBeVisible();
  await expect(page.locator("pre")).toContainText("Keep waiting");
});

test("a delay notice is answered on its page, by keyboard, and only by pressing the button", async ({
  page,
}, testInfo) => {
  const actedOn = Object.values(demo().samples).flatMap((orders) => orders.map((o) => o.number));
  const mail = await openMail(page, /is delayed|keep waiting/, projectIndex(testInfo), actedOn);
  const answerPath = link(mail.text, "/delay/");
  await page.goto(answerPath);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("is delayed");
  await expectNoAxeViolations(page);
  // Opening the page (as a mail scanner would) decided nothing: both answers are still offered.
  await page.reload();
  const keep = page.getByRole("button", { name: /^Keep waiting for / });
  await expect(keep).toBeVisible();
  await expect(page.getByRole("button", { name: /^Cancel / })).toBeVisible();

  await keep.focus();
  await page.keyboard.press("Enter");
  // The answer is announced, and what it decided replaces the buttons.
  await expect(page.getByRole("status")).toContainText("Thank you: we keep");
  await expect(page.getByText("You chose to keep waiting")).toBeVisible();
  await expect(page.getByRole("button", { name: /^Keep waiting for / })).toHaveCount(0);
  await page.goto(answerPath);
  // An answered notice shows its answer and no more buttons; cancelling later is the order page's.
  await expect(
    page.getByText("You chose to keep waiting. If you change your mind, you can cancel it on your order page"),
  ).toBeVisible();
  await expect(page.getByRole("button", { name: /^Keep waiting for / })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Cancel / })).toHaveCount(0);
  await expectNoAxeViolations(page);
});

test("the preferences page from an email saves by keyboard, and one-click unsubscribe answers an empty 200", async ({
  page,
  request,
}, testInfo) => {
  const mail = await openMail(page, /waiting for stock|cancelled|shipped/, projectIndex(testInfo));
  await page.goto(link(mail.text, "/preferences/"));
  await expect(page.getByRole("heading", { level: 1, name: "Your email choices" })).toBeVisible();
  await expectNoAxeViolations(page);

  const allOrders = page.getByRole("group", { name: "When a ship date moves, on all my orders" });
  await allOrders.getByRole("radio", { name: "Email me", exact: true }).focus();
  await page.keyboard.press("ArrowDown");
  await expect(allOrders.getByRole("radio", { name: "Do not email me", exact: true })).toBeChecked();
  await page.getByRole("button", { name: "Save my choices" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toContainText("Saved.");
  await page.reload();
  await expect(allOrders.getByRole("radio", { name: "Do not email me", exact: true })).toBeChecked();
  await expectNoAxeViolations(page);

  const unsubscribe = /^<(.+)>$/.exec(mail.headers["List-Unsubscribe"]!)![1]!;
  expect(mail.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
  const response = await request.post(new URL(unsubscribe).pathname, { form: { "List-Unsubscribe": "One-Click" } });
  expect(response.status()).toBe(200);
  expect(await response.text()).toBe("");
});

test("a broken link gets a sentence, not an error page", async ({ page, request }) => {
  for (const [path, heading] of [
    ["/preferences/not-a-token", "This link does not open your email choices"],
    ["/delay/not-a-token", "This link does not open a delay notice"],
  ] as const) {
    const response = await page.goto(path);
    expect(response!.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
    await expectNoAxeViolations(page);
  }
  const response = await request.post("/api/unsubscribe/not-a-token");
  expect(response.status()).toBe(400);
  expect(await response.text()).toBe("This unsubscribe link is not valid.");
});
