import { createHmac, timingSafeEqual } from "node:crypto";

// Shopify signs each webhook with a base64 HMAC-SHA256 of the raw body, keyed with the app's
// secret, in `X-Shopify-Hmac-Sha256`. The body must be the bytes as received: re-serialized JSON
// would not match.

export function shopifyHmac(secret: string, rawBody: Uint8Array): string {
  return createHmac("sha256", secret).update(rawBody).digest("base64");
}

/**
 * True when `header` is the body's HMAC under one of `secrets` (the current one, and the previous
 * one during a rotation). The comparison is constant-time over the decoded digests.
 */
export function verifyShopifyHmac(rawBody: Uint8Array, header: string | null, secrets: readonly string[]): boolean {
  if (!header || !/^[A-Za-z0-9+/]+={0,2}$/.test(header.trim())) return false;
  const given = Buffer.from(header.trim(), "base64");
  if (given.length !== 32) return false;
  let ok = false;
  for (const secret of secrets) {
    const expected = createHmac("sha256", secret).update(rawBody).digest();
    // No early exit: every secret is checked, so the time does not tell which one matched.
    if (timingSafeEqual(given, expected)) ok = true;
  }
  return ok;
}
