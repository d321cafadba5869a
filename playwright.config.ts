import { defineConfig, devices } from "@playwright/test";
import { e2eMailboxToken } from "./e2e/mailbox-token";
import { chromiumLaunchOptions } from "./testing/chromium";

// Browser tests drive the production build in Debian's Chromium (Playwright's own browser
// downloads are not reachable here). e2e/serve.ts prepares a fresh seeded database first.
const port = Number(process.env.E2E_PORT ?? 3100);

export default defineConfig({
  testDir: "./e2e",
  // Per port, so two runs on one machine do not clear each other's artifacts.
  outputDir: `test-results/${port}`,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
    // Answers the dev mailbox's challenge (it asks for MAILBOX_TOKEN on PostgreSQL).
    httpCredentials: { username: "e2e", password: e2eMailboxToken },
    launchOptions: chromiumLaunchOptions,
  },
  projects: [
    {
      name: "phone",
      use: { ...devices["Desktop Chrome"], viewport: { width: 375, height: 812 }, isMobile: false, hasTouch: true },
    },
    { name: "desktop", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 900 } } },
    // The shopper journeys again without JavaScript: every page and form works as plain HTML.
    {
      name: "no-js",
      testMatch: /(home|shopper|notifications)\.spec\.ts/,
      use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 900 }, javaScriptEnabled: false },
    },
  ],
  webServer: {
    command: "npx tsx e2e/serve.ts",
    url: `http://localhost:${port}/api/health`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
  },
});
