import { NextResponse, type NextRequest } from "next/server";
import { mailboxAccess, mailboxRealm } from "./lib/email/mailbox-access";
import { env } from "./lib/env";
import { checkRequestTarget } from "./lib/http/request-target";
import {
  contentSecurityPolicy,
  isApiPath,
  newNonce,
  shopifyFormTargets,
  strictTransportSecurity,
} from "./lib/security/headers";

// Runs before every route: refuses request targets no route can read (400 with a sentence),
// challenges for the dev mailbox's token, and sets the Content-Security-Policy (with a fresh
// nonce for pages: Next puts it on its own scripts when the request carries the policy) and HSTS.
// Pages and route handlers still check who is asking themselves; this is no guard on its own.

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const api = isApiPath(pathname);
  const problem = checkRequestTarget(rawTarget(request.url) ?? `${pathname}${search}`);
  if (problem) {
    return api
      ? Response.json({ error: { code: "bad_request", ...problem } }, { status: 400 })
      : new Response(problem.message, { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  if (pathname === "/dev/mailbox" || pathname.startsWith("/dev/mailbox/")) {
    if (mailboxAccess(request.headers) === "needs_token")
      return new Response("The dev mailbox needs MAILBOX_TOKEN: give it as the password (any user name).", {
        status: 401,
        headers: { "www-authenticate": `Basic realm="${mailboxRealm}", charset="UTF-8"`, "cache-control": "no-store" },
      });
  }
  const { APP_URL, SHOPIFY_API_KEY, SHOPIFY_ADMIN_BASE_URL } = env();
  const https = APP_URL.startsWith("https:");
  const nonce = api ? null : newNonce();
  const formTargets = shopifyFormTargets(Boolean(SHOPIFY_API_KEY), SHOPIFY_ADMIN_BASE_URL);
  const policy = contentSecurityPolicy({ nonce, https, formTargets });
  const headers = new Headers(request.headers);
  // Next reads the nonce from the policy on the request and adds it to the scripts it renders;
  // x-nonce is for a Pages Router document (_document) that adds scripts of its own.
  headers.set("content-security-policy", policy);
  if (nonce) headers.set("x-nonce", nonce);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  if (https) response.headers.set("strict-transport-security", strictTransportSecurity);
  return response;
}

/** The path and query as sent, before anything decoded them. */
function rawTarget(url: string): string | null {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^#]*)/i.exec(url);
  return match?.[1] || null;
}

export const config = {
  // Built assets and public files carry no input and need no policy of their own.
  matcher: ["/((?!_next/static|_next/image|brands/|demo/|favicon.ico|icon.svg).*)"],
};
