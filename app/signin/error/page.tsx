import type { Metadata } from "next";
import { ShopperShell } from "@/components/shopper-shell";
import { SignInForm } from "@/components/sign-in-form";

export const metadata: Metadata = { title: "Sign-in problem", robots: { index: false } };

const sentences: Record<string, string> = {
  Verification:
    "This sign-in link has expired or was already used: each link works once, for 15 minutes. We can send you a new one.",
  EmailSignin: "We could not send the sign-in email just now. Please try again in a minute.",
  AccessDenied: "This address cannot sign in here.",
};

// Auth.js sends every sign-in failure here with ?error=<type>.
export default async function SignInErrorPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const { error } = await searchParams;
  return (
    <ShopperShell>
      <div className="max-w-lg space-y-4">
        <h1 className="text-3xl font-bold tracking-tight">We could not sign you in</h1>
        <p className="text-stone-700">
          {(error && sentences[error]) ?? "Something went wrong while signing you in. Please ask for a new link."}
        </p>
        <SignInForm submitLabel="Send me a new link" />
      </div>
    </ShopperShell>
  );
}
