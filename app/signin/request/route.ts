// POST /signin/request — the sign-in form: emails a magic link, then shows "check your email".
import { signIn } from "@/auth";
import { formPost } from "@/app/form-posts";
import { db } from "@/lib/db/client";
import { clientAddress } from "@/lib/http/client-address";
import { signInChecks, underRateLimits } from "@/lib/security/rate-limit";
import { parseSignIn } from "../inputs";

// Rate limited per address and per client; Auth.js stores the token and sends the link.
export const POST = formPost(
  async (form, _params, request) => {
    const parsed = parseSignIn(form);
    if (!parsed.ok) return parsed;
    const { email, callbackUrl } = parsed.data;
    // Counted where the email is sent (auth.ts); looked at here only to say so in the form.
    if (!(await underRateLimits(db(), signInChecks({ email, client: clientAddress(request.headers) }))))
      return {
        ok: false,
        error: "We have sent several links to this address already. Please use the newest one, or wait a few minutes.",
      };
    // The check-email page, or Auth.js's error page if sending failed.
    const next = await signIn("email", { email, redirectTo: callbackUrl, redirect: false });
    return { redirect: typeof next === "string" ? next : "/signin/check-email" };
  },
  () => "/signin",
  { keepQuery: true },
);
