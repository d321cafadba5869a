import { afterAll, beforeAll, describe, expect, it } from "vitest";
import AxeBuilder from "@axe-core/playwright";
import { doIUseEmail } from "@jsx-email/doiuse-email";
import { chromium, type Browser } from "playwright-core";
import { previewList, renderPreview } from "../../notifications/previews";
import { chromiumLaunchOptions } from "../../../testing/chromium";

// Every email as the worker renders it (sample data), checked two ways: the HTML and CSS it uses
// against caniemail's support data for the common clients, and axe (WCAG 2.2 AA) in real Chromium,
// on a phone-sized window, in light and dark mode.

const clients = [
  "gmail.*",
  "apple-mail.*",
  "outlook.*",
  "yahoo.*",
  "samsung-email.*",
  "thunderbird.*",
  "fastmail.*",
  "protonmail.*",
  "hey.*",
  "aol.*",
];

/**
 * Features some clients ignore, where ignoring them loses nothing that matters. Anything else a
 * template starts using (flex, grid, position, background images, <style> media queries…) fails.
 */
const degradesGracefully: Record<string, string> = {
  "<body> element": "clients replace <body>; the container carries its own background and width",
  "lang attribute": "a hint for screen readers; clients that drop it fall back to the reader's language",
  "role attribute": "role=presentation on layout tables; clients that drop it show the same tables",
  "display:none":
    "the hidden preview text (react-email's Preview) also sets max-height:0, opacity:0 and overflow:hidden",
  opacity: "part of the same preview-text hiding",
  overflow: "part of the same preview-text hiding",
  "target attribute": "links open in a new tab where supported and in place elsewhere",
  "border-radius": "square corners in Outlook for Windows",
  "text-decoration": "links keep the client's default underline",
  "text-decoration-line": "as text-decoration",
  outline: "react-email's <Img> resets the focus outline; clients without it draw none anyway",
  "width attribute": "the logo's size hint; without it the logo shows at its own 28 px size",
  "height attribute": "as the width attribute",
  "word-break": "only the sign-in link's fallback URL; where unsupported it wraps at the container edge",
};

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch(chromiumLaunchOptions);
});
afterAll(async () => {
  await browser?.close();
});

describe.each(previewList())("$label email", ({ name }) => {
  it("uses only HTML and CSS the common email clients support (caniemail)", async () => {
    const { email } = (await renderPreview(name))!;
    const result = doIUseEmail(email.html, { emailClients: clients });
    const errors = "errors" in result ? result.errors : [];
    const unexpected = errors.filter((error) => !((/^`([^`]+)`/.exec(error)?.[1] ?? "") in degradesGracefully));
    expect(unexpected).toEqual([]);
    expect(email.text.length).toBeGreaterThan(100);
    expect(email.subject.length).toBeGreaterThan(5);
  });

  it("passes axe, fits a phone's width, and reads in dark mode", async () => {
    const { email } = (await renderPreview(name))!;
    for (const colorScheme of ["light", "dark"] as const) {
      const context = await browser.newContext({ viewport: { width: 375, height: 800 }, colorScheme });
      const page = await context.newPage();
      // The email's images point at the app, which is not running here.
      await page.route("**/*", (route) =>
        route.request().url().startsWith("data:") ? route.continue() : route.abort(),
      );
      await page.setContent(email.html, { waitUntil: "domcontentloaded" });
      const results = await new AxeBuilder({ page })
        .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
        .analyze();
      expect(
        results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
        colorScheme,
      ).toEqual([]);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, "no sideways scrolling at 375 px").toBeLessThanOrEqual(0);
      await context.close();
    }
  });
});

describe("preview text (what an inbox shows beside the subject)", () => {
  const previewOf = async (name: string) =>
    /data-skip-in-text="true">([^<]*)/.exec((await renderPreview(name))!.email.html)?.[1];

  it("the shipped email says in a sentence that it is on its way, and its tracking number", async () => {
    expect(await previewOf("shipped")).toBe(
      "Order #1042 is on its way. Your UPS tracking number is 1Z999AA10123456784.",
    );
  });
});
