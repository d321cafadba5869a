import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import type { DemoSummary } from "../lib/seed/demo";

/** The demo orders the server was seeded with (written by e2e/serve.ts). */
export function demo(): DemoSummary & { apiKey: string } {
  const port = process.env.E2E_PORT ?? "3100";
  return JSON.parse(readFileSync(`.data/e2e-demo-${port}.json`, "utf8")) as DemoSummary & { apiKey: string };
}

export function demoOrder(what: string) {
  const order = demo().tryThese.find((o) => o.what.includes(what));
  if (!order) throw new Error(`The demo data has no order that is ${what}`);
  return order;
}

/** The order id inside a signed view link (/o/<payload>.<signature>), read as a test that knows the format. */
export function viewOrderId(url: string): string {
  return (JSON.parse(Buffer.from(url.split("/o/")[1]!.split(".")[0]!, "base64url").toString()) as { o: string }).o;
}

/** Fails the test on any axe violation (WCAG 2.2 AA and best practices) on the current page. */
export async function expectNoAxeViolations(page: Page) {
  const project = base.info().project.use;
  if (project.javaScriptEnabled !== false) return axeFinds(page);
  // axe is a script, which this browser does not run: the same address (what a GET opened, the
  // server's document as this browser got it) is opened again with this browser's cookies, at the
  // same size, in a browser that runs scripts, and checked there. A flash shown once is not in it.
  // (Playwright gives a new context the project's options unless told otherwise.)
  const scratch = await page.context().browser()!.newContext({
    javaScriptEnabled: true,
    viewport: page.viewportSize(),
    httpCredentials: project.httpCredentials,
  });
  try {
    await scratch.addCookies(await page.context().cookies());
    const copy = await scratch.newPage();
    await copy.goto(page.url());
    await axeFinds(copy);
  } finally {
    await scratch.close();
  }
}

async function axeFinds(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  const summary = results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`,
  );
  expect(summary, "axe violations").toEqual([]);
}

/** Each browser project (phone, desktop, no-js) acts on its own demo orders and emails, by this index. */
export function projectIndex(testInfo: { project: { name: string } }): number {
  return ["phone", "desktop", "no-js"].indexOf(testInfo.project.name);
}

let visitor = 0;

/**
 * Playwright's test, where each test is its own visitor: a distinct address in X-Forwarded-For
 * (as the proxy in front of the app would send), so the per-address limits on sign-in and lookup
 * apply per test, as they would to different shoppers, and not to the whole suite at once.
 */
export const test = base.extend({
  page: async ({ page }, use, testInfo) => {
    visitor++;
    await page.setExtraHTTPHeaders({
      "x-forwarded-for": `10.${projectIndex(testInfo) + 1}.${Math.floor(visitor / 250)}.${visitor % 250}`,
    });
    await use(page);
  },
});

/** Looks an order up from the home page by number and email: its signed view opens. */
export async function lookUp(page: Page, number: string, email: string) {
  await page.goto("/");
  await page.getByLabel("Order number").fill(number);
  await page.getByLabel("Email you ordered with").fill(email);
  await page.getByRole("button", { name: "Find my order" }).click();
}

/**
 * Signs in by magic link through the dev mailbox (request, read, confirm); returns the link. With an
 * `origin` (say http://127.0.0.1:port), every step is taken there, the emailed link is followed as it
 * is, and the check-email page and the link are checked to stay on that origin.
 */
export async function signIn(page: Page, email: string, callbackUrl = "/orders", origin = "") {
  await page.goto(`${origin}/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  await page.getByLabel("Your email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  if (origin) expect(new URL(page.url()).origin, "the check-email page's host").toBe(origin);
  await page.goto(`${origin}/dev/mailbox?to=${encodeURIComponent(email)}`);
  await page
    .getByRole("link", { name: /Your sign-in link/ })
    .first()
    .click();
  const text = await page.getByTestId("mail-text").textContent();
  const link = text?.match(/https?:\/\/\S+\/signin\/confirm\S+/)?.[0];
  if (origin)
    expect(link, "the emailed sign-in link").toMatch(new RegExp(`^${origin.replace(/\./g, "\\.")}/signin/confirm\\?`));
  else expect(link, "a sign-in link in the email").toBeTruthy();
  await page.goto(origin ? link! : link!.replace(/^https?:\/\/[^/]+/, ""));
  await expect(page.getByText(`Signing in as ${email}`)).toBeVisible();
  await page.getByRole("button", { name: "Sign in" }).click();
  return link!;
}
