import type { Db } from "../db/client";
import { authAdapter, sessionMaxAgeSeconds, sessionUpdateAgeSeconds } from "./adapter";

// The signed-in shopper for the shopper pages and their form posts, read through Auth.js's
// Drizzle adapter from the database-session cookie Auth.js set. Auth.js's auth() does the same
// read but also builds a CSRF token and a Set-Cookie on every call, which the order page paid
// for on every request (issue 19); here the cookie is rewritten only when the expiry moves.
// The cookie holds an opaque session token (database sessions), so there is no crypto to redo.

/** Auth.js's names for the session cookie: `__Secure-` when the site is served over HTTPS. */
export const sessionCookieNames = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

export type SessionRefresh = { name: string; value: string; expires: Date; secure: boolean };

export type ShopperSession = {
  email: string;
  /** Set when the session's expiry moved forward: the cookie to send back with the response. */
  refresh: SessionRefresh | null;
};

/** The Set-Cookie header for a refreshed session, with the attributes Auth.js gives it. */
export function refreshedCookie(refresh: SessionRefresh): string {
  const secure = refresh.secure ? "; Secure" : "";
  return `${refresh.name}=${refresh.value}; Path=/; Expires=${refresh.expires.toUTCString()}; HttpOnly; SameSite=Lax${secure}`;
}

/** The session token among a request's cookies, by Auth.js's names. */
export function sessionToken(cookies: Partial<Record<string, string>>): { name: string; token: string } | null {
  for (const name of sessionCookieNames) {
    const token = cookies[name];
    if (token) return { name, token };
  }
  return null;
}

/** The signed-in person's email (lower-case) for a request's cookies, or null. */
export async function readSession(
  db: Db,
  cookies: Partial<Record<string, string>>,
  now: Date = new Date(),
): Promise<ShopperSession | null> {
  const found = sessionToken(cookies);
  if (!found) return null;
  const adapter = authAdapter(db);
  const current = await adapter.getSessionAndUser!(found.token);
  if (!current || current.session.expires.getTime() <= now.getTime()) return null;
  const email = current.user.email?.toLowerCase();
  if (!email) return null;
  const dueAt = current.session.expires.getTime() - (sessionMaxAgeSeconds - sessionUpdateAgeSeconds) * 1000;
  if (dueAt > now.getTime()) return { email, refresh: null };
  const expires = new Date(now.getTime() + sessionMaxAgeSeconds * 1000);
  await adapter.updateSession!({ sessionToken: found.token, expires });
  return {
    email,
    refresh: { name: found.name, value: found.token, expires, secure: found.name.startsWith("__Secure-") },
  };
}
