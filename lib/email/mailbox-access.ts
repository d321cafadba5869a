import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "../env";
import { isLoopback, socketAddress } from "../http/client-address";

// The dev mailbox shows every sign-in link, so reading it is signing in as anyone. Outside the
// embedded demo it needs MAILBOX_TOKEN (as the password of HTTP Basic auth, any user name, or as
// a bearer token); the embedded demo also answers requests whose socket is loopback, which is the
// demo's own browser. A forwarded header never counts: anyone can write one.

export type MailboxAccess = "open" | "needs_token" | "hidden";

export const mailboxRealm = "Dev mailbox";

function presentedToken(headers: Headers): string | null {
  const authorization = headers.get("authorization") ?? "";
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization)?.[1];
  if (bearer) return bearer.trim();
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization)?.[1];
  if (!basic) return null;
  const decoded = Buffer.from(basic, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon >= 0 ? decoded.slice(colon + 1) : null;
}

/** Compares digests, so neither the length nor the content of the token leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function mailboxAccess(headers: Headers): MailboxAccess {
  const config = env();
  if (config.mailTransport !== "mailbox") return "hidden";
  const token = presentedToken(headers);
  if (config.MAILBOX_TOKEN && token !== null && sameSecret(token, config.MAILBOX_TOKEN)) return "open";
  if (!config.DATABASE_URL && isLoopback(socketAddress(headers))) return "open";
  return config.MAILBOX_TOKEN ? "needs_token" : "hidden";
}
