import type { GetServerSideProps, PageConfig } from "next";
import { ShopperShell } from "@/components/shopper-shell";
import { SignInForm } from "@/components/sign-in-form";
import { pageFlash } from "@/components/shopper-page";
import type { Flash } from "@/lib/links/flash";
import { magicLinkIsUsable } from "@/lib/auth/magic-link";
import { db } from "@/lib/db/client";

export const config: PageConfig = { runtime: "nodejs", unstable_runtimeJS: false };

type Props = {
  usable: boolean;
  token: string | null;
  email: string | null;
  callbackUrl: string | null;
  flash: Flash | null;
};

const one = (value: string | string[] | undefined) => (typeof value === "string" ? value : null);

export const getServerSideProps: GetServerSideProps<Props> = async (context) => {
  const token = one(context.query.token);
  const email = one(context.query.email);
  const usable = token && email ? await magicLinkIsUsable(db(), { token, email }) : false;
  return { props: { usable, token, email, callbackUrl: one(context.query.callbackUrl), flash: pageFlash(context) } };
};

// GET /signin/confirm — where the emailed link lands. Opening it spends nothing: only pressing the
// button does, so a mail scanner that follows links cannot use up the single-use token.
export default function ConfirmPage({ usable, token, email, callbackUrl, flash }: Props) {
  if (!usable) {
    return (
      <ShopperShell title="Sign in" noindex>
        <div className="max-w-lg space-y-4">
          <h1 className="text-3xl font-bold tracking-tight">This sign-in link no longer works</h1>
          <p className="text-stone-700">
            It has expired or was already used: each link works once, for 15 minutes. We can send you a new one.
          </p>
          <SignInForm email={email} callbackUrl={callbackUrl} submitLabel="Send me a new link" flash={flash} />
        </div>
      </ShopperShell>
    );
  }
  return (
    <ShopperShell title="Sign in" noindex>
      <div className="max-w-lg space-y-4">
        <h1 className="text-3xl font-bold tracking-tight">Sign in</h1>
        <p className="text-stone-700">
          Signing in as <strong>{email}</strong>.
        </p>
        <form action="/api/auth/callback/email" method="get">
          <input type="hidden" name="token" value={token ?? ""} />
          <input type="hidden" name="email" value={email ?? ""} />
          {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
          <button
            type="submit"
            className="w-full rounded-lg bg-stone-900 px-4 py-2.5 font-semibold text-white hover:bg-stone-800 sm:w-auto"
          >
            Sign in
          </button>
        </form>
      </div>
    </ShopperShell>
  );
}
