import type { GetServerSideProps, PageConfig } from "next";
import { ShopperShell } from "@/components/shopper-shell";
import { SignInForm } from "@/components/sign-in-form";
import { pageFlash } from "@/components/shopper-page";
import type { Flash } from "@/lib/links/flash";

export const config: PageConfig = { runtime: "nodejs", unstable_runtimeJS: false };

type Props = { callbackUrl: string | null; flash: Flash | null };

export const getServerSideProps: GetServerSideProps<Props> = async (context) => ({
  props: {
    callbackUrl: typeof context.query.callbackUrl === "string" ? context.query.callbackUrl : null,
    flash: pageFlash(context),
  },
});

// GET /signin — ask for a magic link.
export default function SignInPage({ callbackUrl, flash }: Props) {
  return (
    <ShopperShell title="Sign in">
      <div className="max-w-lg space-y-6">
        <div className="space-y-2">
          <h1 className="text-3xl font-bold tracking-tight">Sign in to your orders</h1>
          <p className="text-stone-700">
            We email you a link; no password. Signed in, you see every order placed with your email, and you can cancel
            or swap waiting items and choose how they ship.
          </p>
        </div>
        <SignInForm callbackUrl={callbackUrl} flash={flash} />
      </div>
    </ShopperShell>
  );
}
