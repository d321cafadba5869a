import type { GetServerSideProps, PageConfig } from "next";
import Link from "next/link";
import { ShopperShell } from "@/components/shopper-shell";
import { magicLinkMinutes } from "@/lib/auth/magic-link";
import { mailboxEnabled } from "@/lib/email/mailbox";

export const config: PageConfig = { runtime: "nodejs", unstable_runtimeJS: false };

type Props = { mailbox: boolean; minutes: number };

// Rendered per request: whether the dev mailbox is on is a setting of the running server.
export const getServerSideProps: GetServerSideProps<Props> = async () => ({
  props: { mailbox: mailboxEnabled(), minutes: magicLinkMinutes },
});

// GET /signin/check-email — after the sign-in form (Auth.js's verifyRequest page).
export default function CheckEmailPage({ mailbox, minutes }: Props) {
  return (
    <ShopperShell title="Check your email">
      <div className="max-w-lg space-y-4">
        <h1 className="text-3xl font-bold tracking-tight">Check your email</h1>
        <p className="text-stone-700">
          We sent you a sign-in link. It works once and expires in {minutes} minutes. Nothing arrived? Check your spam
          folder, or{" "}
          <Link href="/signin" className="font-semibold underline">
            ask for a new link
          </Link>
          .
        </p>
        {mailbox ? (
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
