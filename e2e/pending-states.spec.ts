import { expect, type Page, type Route } from "@playwright/test";
import { demo, demoOrder, signIn, test } from "./support";

// Pending states are public/js/forms.js's: while a form is being sent its button says so and stays
// disabled until the next page replaces this one, and nothing else in the form can undo it.
// While a form's navigation is held, Playwright cannot query the page, so the page reports its own
// state through an exposed function, every 100 ms, and does its second press itself.

type Seen = { at: number; button: string; disabled: boolean; keepWaiting?: string | null; panelOpen?: boolean };

/** Holds each matching POST for `ms`, then lets it through (or aborts it); counts them. */
async function slowPosts(page: Page, url: string | RegExp, ms: number, then: "continue" | "abort") {
  const posts: Route[] = [];
  await page.route(url, async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    posts.push(route);
    await new Promise((resolve) => setTimeout(resolve, ms));
    await (then === "continue" ? route.continue() : route.abort());
  });
  return posts;
}

/** Records the state of `buttonSelector` (and of the form's "Keep waiting") from inside the page. */
async function watch(page: Page, buttonSelector: string): Promise<Seen[]> {
  const seen: Seen[] = [];
  await page.exposeFunction("reportPending", (state: Seen) => seen.push(state));
  await page.evaluate((selector) => {
    const started = Date.now();
    const report = (window as unknown as { reportPending: (s: unknown) => void }).reportPending;
    setInterval(() => {
      const button = document.querySelector<HTMLButtonElement>(selector)!;
      const form = button.closest("form")!;
      const keep = form.querySelector("[data-dismiss]");
      report({
        at: Date.now() - started,
        button: button.textContent,
        disabled: button.disabled,
        keepWaiting: keep ? keep.getAttribute("aria-disabled") : undefined,
        panelOpen: !form.hidden,
      });
    }, 100);
  }, buttonSelector);
  return seen;
}

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.use.javaScriptEnabled === false, "pending states need the page's script");
});

test("the lookup button stays pending until the order page opens, and a second press sends nothing", async ({
  page,
}) => {
  const order = demoOrder("rolling");
  const posts = await slowPosts(page, "**/lookup", 2500, "continue");
  await page.goto("/");
  await page.getByLabel("Order number").fill(order.number);
  await page.getByLabel("Email you ordered with").fill(order.email);
  const seen = await watch(page, "form[action='/lookup'] button[type=submit]");
  await page.evaluate(() => {
    const form = document.querySelector<HTMLFormElement>("form[action='/lookup']")!;
    const button = form.querySelector("button")!;
    setTimeout(() => button.click(), 0);
    // The impatient second press, a second later.
    setTimeout(() => form.requestSubmit(), 1000);
  });

  await expect(page.getByRole("heading", { name: new RegExp(`Order ${order.number}`) })).toBeVisible();
  expect(posts, "lookups sent").toHaveLength(1);
  const pending = seen.filter((s) => s.button !== "Find my order");
  expect(pending.length, "reports while the lookup was on its way").toBeGreaterThan(10);
  // From the press until the order page replaced it: "Finding your order…", disabled, never back.
  const firstPending = seen.findIndex((s) => s.button === "Finding your order…");
  expect(firstPending, "the button said it was finding the order").toBeGreaterThanOrEqual(0);
  for (const state of seen.slice(firstPending))
    expect(state).toMatchObject({ button: "Finding your order…", disabled: true });
  expect(seen.at(-1)!.at - seen[firstPending]!.at, "pending until the page changed").toBeGreaterThan(2000);
});

test("while a cancel is being sent, “Keep waiting” is disabled and does nothing", async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "one screen is enough: it signs a shopper in");
  const order = demo().samples.cancellable.at(-2)!;
  await signIn(page, order.email);
  await page.getByRole("link", { name: new RegExp(`Order ${order.number}\\b`) }).click();
  const first = page
    .getByRole("article")
    .filter({ has: page.getByRole("button", { name: "Cancel item" }) })
    .first();
  // By its name: once the question is open the article no longer holds a "Cancel item" button.
  const title = await first.getByRole("heading", { level: 3 }).innerText();
  const line = page.getByRole("article", { name: title, exact: true });
  await line.getByRole("button", { name: "Cancel item" }).click();
  await expect(line.getByRole("link", { name: "Keep waiting" })).toBeEnabled();
  const panel = (await line.locator("form[data-pending]").first().getAttribute("id"))!;

  // The cancel is held, then never sent: this order stays as the other journeys expect it.
  const posts = await slowPosts(page, /\/orders\/[^/]+\/cancel$/, 2500, "abort");
  const seen = await watch(page, `#${panel} button[type=submit]`);
  const url = page.url();
  const during = await page.evaluate((id) => {
    const form = document.getElementById(id)!;
    setTimeout(() => form.querySelector("button")!.click(), 0);
    // "Keep waiting" pressed while the cancel is on its way (a quick tap, assistive technology).
    return new Promise<{ href: string; open: boolean }>((resolve) =>
      setTimeout(() => {
        (form.querySelector("[data-dismiss]") as HTMLElement).click();
        setTimeout(() => resolve({ href: location.href, open: !form.hidden }), 200);
      }, 1000),
    );
  }, panel);
  expect(during, "the question stays open and the page stays").toEqual({ href: url, open: true });
  await expect.poll(() => posts.length).toBe(1);
  const pending = seen.filter((s) => s.button === "Cancelling…");
  expect(pending.length).toBeGreaterThan(5);
  for (const state of pending) expect(state).toMatchObject({ disabled: true, keepWaiting: "true", panelOpen: true });
});
