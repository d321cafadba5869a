import type { Metadata } from "next";
import { ShopperShell } from "@/components/shopper-shell";
import { SignInForm } from "@/components/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  return (
    <ShopperShell>
      <div className="max-w-lg space-y-6">
        <div className="space-y-2">
          <h1 className="text-3xl font-bold tracking-tight">Sign in to your orders</h1>
          <p className="text-stone-700">
            We email you a link; no password. Signed in, you see every order placed with your email, and you can cancel
            or swap waiting items and choose how they ship.
          </p>
        </div>
        <SignInForm callbackUrl={typeof callbackUrl === "string" ? callbackUrl : undefined} />
      </div>
    </ShopperShell>
  );
}
