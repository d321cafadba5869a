import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import type { EmailConfig } from "next-auth/providers/email";
import { authConfig } from "./auth.config";
import { magicLinkMinutes, sendSignInLink } from "./lib/auth/magic-link";
import { db } from "./lib/db/client";
import { authAdapter, sessionMaxAgeSeconds, sessionUpdateAgeSeconds } from "./lib/auth/adapter";
import { authSecret, env, siteOrigin } from "./lib/env";
import { requestedOrigin } from "./lib/http/requested-origin";
import { clientAddress } from "./lib/http/client-address";

// Magic-link sign-in for shoppers and agents: Auth.js with the Drizzle adapter and database
// sessions. Initialised lazily so building the app never opens the database.

const magicLink: EmailConfig = {
  id: "email",
  type: "email",
  name: "Email",
  from: "",
  maxAge: magicLinkMinutes * 60,
  options: {},
  async sendVerificationRequest({ identifier, url, request }) {
    await sendSignInLink(db(), { email: identifier, callbackUrl: url, client: clientAddress(request.headers) });
  },
};

const authjs = NextAuth(() => {
  // Auth.js builds its URLs from AUTH_URL, else from the request's host (trustHost): APP_URL, when
  // set, is the one setting for both; unset, sign-in stays on the host the shopper used.
  if (env().appUrlConfigured) process.env.AUTH_URL ??= env().APP_URL;
  return {
    ...authConfig,
    adapter: authAdapter(db()),
    providers: [{ ...magicLink, from: env().MAIL_FROM }],
    session: { strategy: "database", maxAge: sessionMaxAgeSeconds, updateAge: sessionUpdateAgeSeconds },
    secret: authSecret(),
    // Served over https: cookies are Secure (and __Secure- prefixed), whatever a proxy says about the scheme.
    useSecureCookies: env().APP_URL.startsWith("https:"),
    trustHost: true,
  };
});

export const { auth, signIn, signOut } = authjs;

/**
 * Auth.js's routes, given the address the browser asked for. Next's NextRequest rewrites 127.0.0.1
 * and [::1] to "localhost" in request.url, and the Node server names every request localhost, so
 * Auth.js would send a shopper who came in on 127.0.0.1 (or a LAN name) there, away from their
 * cookies. With APP_URL set, Auth.js's own AUTH_URL rewrite applies instead.
 */
export const handlers = {
  GET: (request: NextRequest) => authjs.handlers.GET(onRequestedSite(request)),
  POST: (request: NextRequest) => authjs.handlers.POST(onRequestedSite(request)),
};

function onRequestedSite(request: NextRequest): NextRequest {
  if (env().appUrlConfigured) return request;
  const url = new URL(request.url);
  const site = new URL(siteOrigin(requestedOrigin(request.headers, url.origin)));
  url.protocol = site.protocol;
  url.host = site.host;
  // A plain Request keeps the host as given; Auth.js reads no more than a Request has (url, method,
  // headers, body) when AUTH_URL is unset.
  const plain = new Request(url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    duplex: "half",
  } as RequestInit);
  return plain as NextRequest;
}

/** The signed-in person's email (lower-case), or null. */
export async function currentEmail(): Promise<string | null> {
  const session = await auth();
  return session?.user?.email?.toLowerCase() ?? null;
}
