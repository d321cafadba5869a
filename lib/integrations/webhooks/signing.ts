import { createHmac, randomBytes, randomUUID } from "node:crypto";

// Standard Webhooks (https://www.standardwebhooks.com): each request carries `webhook-id` (the
// same on every attempt, so receivers can de-duplicate), `webhook-timestamp` (unix seconds of this
// attempt, so receivers can refuse replays) and `webhook-signature`: `v1,` and the base64
// HMAC-SHA256 of `id.timestamp.body`, keyed with the base64-decoded part of the `whsec_` secret.
// During a rotation the body is signed with both secrets, space-separated, so receivers holding
// either one verify it.

const prefix = "whsec_";

/** A new endpoint secret: `whsec_` and 32 random bytes in base64 (the spec asks for 24 to 64). */
export function generateWebhookSecret(): string {
  return `${prefix}${randomBytes(32).toString("base64")}`;
}

export function isWebhookSecret(secret: string): boolean {
  if (!secret.startsWith(prefix)) return false;
  const key = Buffer.from(secret.slice(prefix.length), "base64");
  return key.length >= 24 && key.length <= 64;
}

/** A message id in the spec's style (`msg_…`), the same for every attempt of one event. */
export function newMessageId(): string {
  return `msg_${randomUUID().replace(/-/g, "")}`;
}

export function sign(secret: string, messageId: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith(prefix) ? secret.slice(prefix.length) : secret, "base64");
  return `v1,${createHmac("sha256", key).update(`${messageId}.${timestampSeconds}.${body}`).digest("base64")}`;
}

/** The three headers for one attempt, signed with every secret given (current first). */
export function signatureHeaders(params: {
  messageId: string;
  timestampSeconds: number;
  body: string;
  secrets: readonly string[];
}): Record<string, string> {
  return {
    "webhook-id": params.messageId,
    "webhook-timestamp": String(params.timestampSeconds),
    "webhook-signature": params.secrets
      .map((s) => sign(s, params.messageId, params.timestampSeconds, params.body))
      .join(" "),
  };
}

/** `whsec_AbC…` → `whsec_AbC…xyz`: enough to tell secrets apart, never enough to use one. */
export function secretHint(secret: string): string {
  return `${secret.slice(0, prefix.length + 4)}…${secret.slice(-4)}`;
}
