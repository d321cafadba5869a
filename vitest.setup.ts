import { afterEach, beforeEach, expect, vi } from "vitest";

// A console.error during a test is a failure unless the test expects it (by spying on it itself).
let errors: unknown[][] = [];
beforeEach(() => {
  errors = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    errors.push(args);
  });
});
afterEach(() => {
  const seen = errors;
  vi.mocked(console.error).mockRestore?.();
  expect(seen, "console.error was called during the test").toEqual([]);
});

process.env.AUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";
process.env.MAIL_TRANSPORT ??= "mailbox";
// Tests deliver webhooks to a receiver on 127.0.0.1; the refusal of internal addresses has its own test.
process.env.WEBHOOKS_ALLOW_INTERNAL_ADDRESSES ??= "true";
process.env.MAILBOX_TOKEN ??= "test-mailbox-token-test-mailbox-token";
