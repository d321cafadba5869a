import NextAuth from "next-auth";
import type { EmailConfig } from "next-auth/providers/email";
import { authConfig } from "./auth.config";
import { magicLinkMinutes, sendSignInLink } from "./lib/auth/magic-link";
import { db } from "./lib/db/client";
import { authAdapter, sessionMaxAgeSeconds, sessionUpdateAgeSeconds } from "./lib/auth/adapter";
import { authSecret, env } from "./lib/env";
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

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  ...authConfig,
  adapter: authAdapter(db()),
  providers: [{ ...magicLink, from: env().MAIL_FROM }],
  session: { strategy: "database", maxAge: sessionMaxAgeSeconds, updateAge: sessionUpdateAgeSeconds },
  secret: authSecret(),
  // Served over https: cookies are Secure (and __Secure- prefixed), whatever a proxy says about the scheme.
  useSecureCookies: env().APP_URL.startsWith("https:"),
  trustHost: true,
}));

/** The signed-in person's email (lower-case), or null. */
export async function currentEmail(): Promise<string | null> {
  const session = await auth();
  return session?.user?.email?.toLowerCase() ?? null;
}
