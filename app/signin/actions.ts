"use server";

import { headers } from "next/headers";
import { signIn, signOut } from "@/auth";
import { db } from "@/lib/db/client";
import { clientAddress } from "@/lib/http/client-address";
import { signInChecks, underRateLimits } from "@/lib/security/rate-limit";
import { parseSignIn } from "./inputs";

export type SignInState = { error: string | null };

/** Sends a magic link (Auth.js redirects to "check your email"); rate limited per address and per client. */
export async function requestSignIn(_previous: SignInState, form: FormData): Promise<SignInState> {
  const parsed = parseSignIn(form);
  if (!parsed.ok) return { error: parsed.error };
  const { email, callbackUrl } = parsed.data;
  // Counted where the email is sent (auth.ts); looked at here only to say so in the form.
  if (!(await underRateLimits(db(), signInChecks({ email, client: clientAddress(await headers()) }))))
    return {
      error: "We have sent several links to this address already. Please use the newest one, or wait a few minutes.",
    };
  // Throws Next's redirect to the check-email page (or Auth.js's error page if sending failed).
  await signIn("email", { email, redirectTo: callbackUrl });
  return { error: null };
}

export async function signOutAction() {
  await signOut({ redirectTo: "/" });
}
