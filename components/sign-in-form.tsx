import type { Flash } from "@/lib/links/flash";
import { Field } from "@/components/field";

/** Asks for a magic link: a plain form post to /signin/request, which answers "check your email" or a sentence here. */
export function SignInForm({
  callbackUrl,
  email,
  submitLabel = "Email me a sign-in link",
  flash,
}: {
  callbackUrl?: string | null;
  email?: string | null;
  submitLabel?: string;
  flash: Flash | null;
}) {
  return (
    <form
      action="/signin/request"
      method="post"
      className="space-y-4 rounded-xl border border-stone-200 bg-white p-5 shadow-sm"
    >
      <Field htmlFor="signin-email" label="Your email">
        <input
          id="signin-email"
          name="email"
          type="email"
          required
          autoComplete="email"
          defaultValue={email ?? undefined}
          aria-describedby={flash ? "result" : undefined}
          className="block w-full rounded-lg border border-stone-400 px-3 py-2.5 text-base"
        />
      </Field>
      {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
      {flash ? (
        <p id="result" role="alert" className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {flash.message}
        </p>
      ) : null}
      <button
        type="submit"
        className="w-full rounded-lg bg-stone-900 px-4 py-2.5 font-semibold text-white hover:bg-stone-800 sm:w-auto"
      >
        {submitLabel}
      </button>
    </form>
  );
}
