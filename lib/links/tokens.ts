import { createHmac, timingSafeEqual } from "node:crypto";
import { authSecret } from "../env";

// Signed, purpose-bound tokens for links in emails: view an order, manage email preferences,
// answer a delay notice. A token signed for one purpose never verifies for another.

export type TokenPurpose = "view" | "preferences" | "delay" | "unsubscribe" | "choose" | "read-after" | "flash";

function mac(purpose: TokenPurpose, body: string, secret: string): string {
  return createHmac("sha256", secret).update(`${purpose}.${body}`).digest("base64url");
}

export function signToken(purpose: TokenPurpose, payload: Record<string, unknown>, secret = authSecret()): string {
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${mac(purpose, body, secret)}`;
}

/** The payload of a token signed for `purpose`, or null if it was altered or is not a token. */
export function verifyToken<T extends Record<string, unknown>>(
  purpose: TokenPurpose,
  token: string,
  secret = authSecret(),
): T | null {
  const [body, signature, extra] = token.split(".");
  if (!body || !signature || extra !== undefined || token.length > 2048) return null;
  const expected = Buffer.from(mac(purpose, body, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as unknown;
    return payload && typeof payload === "object" && !Array.isArray(payload) ? (payload as T) : null;
  } catch {
    return null;
  }
}
