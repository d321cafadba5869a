"use server";

import { headers } from "next/headers";
import { signIn, signOut } from "@/auth";
import { db } from "@/lib/db/client";
import { clientIp, hitRateLimits, signInLimits } from "@/lib/security/rate-limit";
import { parseSignIn } from "./inputs";

export type SignInState = { error: string | null };

/** Sends a magic link (Auth.js redirects to "check your email"); rate limited per address and per IP. */
export async function requestSignIn(_previous: SignInState, form: FormData): Promise<SignInState> {
  const parsed = parseSignIn(form);
  if (!parsed.ok) return { error: parsed.error };
  const { email, callbackUrl } = parsed.data;
  const ip = clientIp(await headers());
  const limit = await hitRateLimits(db(), [
    { key: `signin:ip:${ip}`, rule: signInLimits.perIp },
    { key: `signin:email:${email}`, rule: signInLimits.perEmail },
  ]);
  if (!limit.allowed)
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
