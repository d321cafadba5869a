/** The dev mailbox's token for the browser tests (e2e/serve.ts sets it, playwright.config.ts presents it). */
export const e2eMailboxToken = "e2e-mailbox-token-e2e-mailbox-token";
