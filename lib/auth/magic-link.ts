import { createHash } from "node:crypto";
import { and, eq, gt } from "drizzle-orm";
import { createElement } from "react";
import type { DbOrTx } from "../db/client";
import { verificationTokens } from "../db/schema/auth";
import { sendNow } from "../email/send";
import { SignInEmail } from "../email/templates/sign-in";
import { authSecret, siteOrigin } from "../env";
import { hitRateLimits, signInChecks } from "../security/rate-limit";

export const magicLinkMinutes = 15;

/**
 * The link in the email points at our confirm page, not at Auth.js's callback: the page shows a
 * "Sign in" button, so a mail scanner that opens links cannot spend the single-use token. It is on
 * APP_URL, or without one on the host the sign-in was asked on (Auth.js built its callback there).
 */
export function confirmUrl(callbackUrl: string): string {
  const callback = new URL(callbackUrl);
  const confirm = new URL("/signin/confirm", siteOrigin(callback.origin));
  for (const name of ["token", "email", "callbackUrl"]) {
    const value = callback.searchParams.get(name);
    if (value) confirm.searchParams.set(name, value);
  }
  return confirm.toString();
}

export class SignInLimitReached extends Error {
  override name = "SignInLimitReached";
}

/**
 * Emails a sign-in link, within the limits per address and per client. Every way of asking for a
 * link (our form, Auth.js's own POST /api/auth/signin/email) ends here, so none of them skips it.
 */
export async function sendSignInLink(
  db: DbOrTx,
  params: { email: string; callbackUrl: string; client: string },
  now = new Date(),
): Promise<void> {
  const { email, callbackUrl } = params;
  const limit = await hitRateLimits(db, signInChecks({ email, client: params.client }), now);
  // Auth.js turns a throw here into its error page; the token it stored is never sent, so it is useless.
  if (!limit.allowed) throw new SignInLimitReached(`Sign-in links for this address or client are limited (${email}).`);
  const url = confirmUrl(callbackUrl);
  const token = new URL(callbackUrl).searchParams.get("token") ?? "";
  const result = await sendNow(
    {
      to: email,
      subject: "Your sign-in link",
      element: createElement(SignInEmail, { url, appUrl: new URL(url).origin, expiresMinutes: magicLinkMinutes }),
    },
    `signin/${createHash("sha256").update(token).digest("hex").slice(0, 32)}`,
  );
  // Auth.js turns a throw here into its error page, which says the email could not be sent.
  if (!result.ok) throw new Error(`Could not send the sign-in email: ${result.error.message}`);
}

/** Whether a magic-link token is still unused and unexpired (Auth.js stores SHA-256(token + secret)). */
export async function magicLinkIsUsable(
  db: DbOrTx,
  params: { token: string; email: string },
  now = new Date(),
): Promise<boolean> {
  const hashed = createHash("sha256").update(`${params.token}${authSecret()}`).digest("hex");
  const [row] = await db
    .select({ expires: verificationTokens.expires })
    .from(verificationTokens)
    .where(
      and(
        eq(verificationTokens.identifier, params.email),
        eq(verificationTokens.token, hashed),
        gt(verificationTokens.expires, now),
      ),
    );
  return Boolean(row);
}
