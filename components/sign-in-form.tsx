"use client";

import { useActionState } from "react";
import { requestSignIn } from "@/app/signin/actions";

export function SignInForm({
  callbackUrl,
  email,
  submitLabel = "Email me a sign-in link",
}: {
  callbackUrl?: string;
  email?: string;
  submitLabel?: string;
}) {
  const [state, action, pending] = useActionState(requestSignIn, { error: null });
  return (
    <form action={action} className="space-y-4 rounded-xl border border-stone-200 bg-white p-5 shadow-sm">
      <div className="space-y-1">
        <label htmlFor="signin-email" className="block text-sm font-medium">
          Your email
        </label>
        <input
          id="signin-email"
          name="email"
          type="email"
          required
          autoComplete="email"
          defaultValue={email}
          aria-describedby={state.error ? "signin-error" : undefined}
          className="block w-full rounded-lg border border-stone-400 px-3 py-2.5 text-base"
        />
      </div>
      {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
      {state.error ? (
        <p id="signin-error" role="alert" className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {state.error}
        </p>
      ) : null}
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-lg bg-stone-900 px-4 py-2.5 font-semibold text-white hover:bg-stone-800 disabled:opacity-70 sm:w-auto"
      >
        {pending ? "Sending…" : submitLabel}
      </button>
    </form>
  );
}
