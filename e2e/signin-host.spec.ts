import { expect } from "@playwright/test";
import { demo, projectIndex, test } from "./support";

// e2e/serve.ts starts the app without APP_URL, as `npm start` on a laptop does: every redirect and
// emailed link of the sign-in then follows the host the shopper used, not "localhost".
test("signing in at 127.0.0.1 stays on 127.0.0.1: the redirects, the emailed link and the signed-in page", async ({
  page,
  baseURL,
}, testInfo) => {
  const origin = new URL(baseURL!).origin.replace("localhost", "127.0.0.1");
  const tracked = demo().samples.tracked;
  const { email } = tracked[projectIndex(testInfo) % tracked.length]!;

  await page.goto(`${origin}/signin?callbackUrl=%2Forders`);
  await page.getByLabel("Your email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  expect(new URL(page.url()).origin, "the check-email page's host").toBe(origin);

  await page.goto(`${origin}/dev/mailbox?to=${encodeURIComponent(email)}`);
  await page
    .getByRole("link", { name: /Your sign-in link/ })
    .first()
    .click();
  const text = await page.getByTestId("mail-text").textContent();
  const link = text?.match(/https?:\/\/\S+\/signin\/confirm\S+/)?.[0];
  expect(link, "the emailed sign-in link").toMatch(new RegExp(`^${origin.replace(/\./g, "\\.")}/signin/confirm\\?`));

  await page.goto(link!);
  await expect(page.getByText(`Signing in as ${email}`)).toBeVisible();
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Your orders" })).toBeVisible();
  expect(new URL(page.url()).origin, "the signed-in page's host").toBe(origin);
});
