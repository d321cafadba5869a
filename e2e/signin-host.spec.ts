import { expect } from "@playwright/test";
import { demo, projectIndex, signIn, test } from "./support";

// e2e/serve.ts starts the app without APP_URL, as `npm start` on a laptop does: every redirect and
// emailed link of the sign-in then follows the host the shopper used, not "localhost".
test("signing in at 127.0.0.1 stays on 127.0.0.1: the redirects, the emailed link and the signed-in page", async ({
  page,
  baseURL,
}, testInfo) => {
  const origin = new URL(baseURL!).origin.replace("localhost", "127.0.0.1");
  const tracked = demo().samples.tracked;
  const { email } = tracked[projectIndex(testInfo) % tracked.length]!;

  await signIn(page, email, "/orders", origin);
  await expect(page.getByRole("heading", { name: "Your orders" })).toBeVisible();
  expect(new URL(page.url()).origin, "the signed-in page's host").toBe(origin);
});
