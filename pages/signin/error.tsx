import type { GetServerSideProps, PageConfig } from "next";
import { ShopperShell } from "@/components/shopper-shell";
import { SignInForm } from "@/components/sign-in-form";
import { pageFlash } from "@/components/shopper-page";
import type { Flash } from "@/lib/links/flash";

export const config: PageConfig = { runtime: "nodejs", unstable_runtimeJS: false };

const sentences: Record<string, string> = {
  Verification:
    "This sign-in link has expired or was already used: each link works once, for 15 minutes. We can send you a new one.",
  EmailSignin: "We could not send the sign-in email just now. Please try again in a minute.",
  AccessDenied: "This address cannot sign in here.",
};

type Props = { sentence: string; flash: Flash | null };

export const getServerSideProps: GetServerSideProps<Props> = async (context) => {
  const error = context.query.error;
  return {
    props: {
      sentence:
        (typeof error === "string" && sentences[error]) ||
        "Something went wrong while signing you in. Please ask for a new link.",
      flash: pageFlash(context),
    },
  };
};

// GET /signin/error — Auth.js sends every sign-in failure here with ?error=<type>.
export default function SignInErrorPage({ sentence, flash }: Props) {
  return (
    <ShopperShell title="Sign-in problem" noindex>
      <div className="max-w-lg space-y-4">
        <h1 className="text-3xl font-bold tracking-tight">We could not sign you in</h1>
        <p className="text-stone-700">{sentence}</p>
        <SignInForm submitLabel="Send me a new link" flash={flash} />
      </div>
    </ShopperShell>
  );
}
