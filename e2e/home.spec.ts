import { expect, test } from "@playwright/test";
import { expectNoAxeViolations } from "./support";

test("the home page offers the order lookup, styled, and passes axe", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Where is my order?" })).toBeVisible();
  await expect(page.getByLabel("Order number")).toBeVisible();
  await expect(page.getByLabel("Email you ordered with")).toBeVisible();
  const button = page.getByRole("button", { name: "Find my order" });
  // Tailwind is applied: the button has its rounded corners and dark fill, not the browser's defaults.
  await expect(button).toHaveCSS("border-top-left-radius", "8px");
  expect(await button.evaluate((b) => getComputedStyle(b).backgroundColor)).not.toMatch(/rgba\(0, 0, 0, 0\)|rgb\(239/);
  // Inter is served by the app itself and has loaded.
  const loaded = await page.evaluate(async () => {
    await document.fonts.ready;
    return [...document.fonts].filter((f) => f.status === "loaded").map((f) => f.family.toLowerCase());
  });
  expect(loaded.some((family) => family.includes("inter"))).toBe(true);
  await expectNoAxeViolations(page);
});

test("the health check reports the database", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.status).toBe("ok");
  expect(body.database.reachable).toBe(true);
  expect(body.database.orders).toBeGreaterThan(250);
  expect(body.database.migrations).toBeGreaterThanOrEqual(2);
});

test("the lookup form works by keyboard alone", async ({ page }) => {
  await page.goto("/");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Order number")).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Email you ordered with")).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Find my order" })).toBeFocused();
});
