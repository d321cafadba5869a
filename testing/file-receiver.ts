import { openedForFile } from "./file-scoped";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";

/**
 * This test file's webhook receiver, started before its first test and closed after its last: the
 * receiver's counterpart of fileDatabase, kept apart from webhook-receiver.ts because the drill and
 * the browser tests start receivers outside Vitest. Its fields are there once the file's tests run.
 */
export function fileWebhookReceiver(): WebhookReceiver {
  const started = openedForFile(startWebhookReceiver, "webhook receiver");
  // Every field read goes to the receiver of the moment (its methods are closures, not `this`).
  return new Proxy({} as WebhookReceiver, { get: (_, field) => Reflect.get(started(), field) });
}
