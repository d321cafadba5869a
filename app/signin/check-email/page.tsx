import type { Metadata } from "next";
import Link from "next/link";
import { ShopperShell } from "@/components/shopper-shell";
import { mailboxEnabled } from "@/lib/email/mailbox";
import { magicLinkMinutes } from "@/lib/auth/magic-link";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Check your email" };

export default function CheckEmailPage() {
  return (
    <ShopperShell>
      <div className="max-w-lg space-y-4">
        <h1 className="text-3xl font-bold tracking-tight">Check your email</h1>
        <p className="text-stone-700">
          We sent you a sign-in link. It works once and expires in {magicLinkMinutes} minutes. Nothing arrived? Check
          your spam folder, or{" "}
          <Link href="/signin" className="font-semibold underline">
            ask for a new link
          </Link>
          .
        </p>
        {mailboxEnabled() ? (
          <p className="rounded-lg border border-dashed border-stone-300 p-3 text-sm text-stone-700">
            This is a development setup without an email provider: the email is in the{" "}
            <Link href="/dev/mailbox" className="font-semibold underline">
              dev mailbox
            </Link>
            .
          </p>
        ) : null}
      </div>
    </ShopperShell>
  );
}
