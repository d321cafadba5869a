import Link from "next/link";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { mailboxAccess } from "@/lib/email/mailbox-access";
import { db } from "@/lib/db/client";
import { listMailbox } from "@/lib/email/mailbox";
import { Field } from "@/components/field";

export const dynamic = "force-dynamic";
export const metadata = { title: "Dev mailbox" };

// The dev mailbox: every email the portal "sent" while no Resend key is set, sign-in links too.
export default async function MailboxPage({ searchParams }: { searchParams: Promise<{ to?: string }> }) {
  if (mailboxAccess(await headers()) !== "open") notFound();
  const { to } = await searchParams;
  const mails = await listMailbox(db(), { to });
  return (
    <main className="mx-auto max-w-4xl space-y-6 px-4 py-8">
      <header className="space-y-2">
        <h1 className="text-2xl font-bold">Dev mailbox</h1>
        <p className="text-stone-700">
          Mail the portal sent while no Resend key is set. It never exists in a real deployment.{" "}
          <Link href="/dev/mailbox/previews" className="font-medium underline">
            Preview every email with sample data
          </Link>
          .
        </p>
        <form className="flex flex-wrap items-end gap-2" role="search">
          <Field htmlFor="to" label="Recipient">
            <input id="to" name="to" defaultValue={to} className="rounded-lg border border-stone-400 px-3 py-2" />
          </Field>
          <button className="rounded-lg bg-stone-900 px-4 py-2 font-semibold text-white">Filter</button>
        </form>
      </header>
      {mails.length === 0 ? (
        <p className="rounded-lg border border-dashed border-stone-300 p-6 text-stone-600">No mail yet.</p>
      ) : (
        <ul className="divide-y divide-stone-200 rounded-xl border border-stone-200 bg-white">
          {mails.map((mail) => (
            <li key={mail.id}>
              <Link
                href={`/dev/mailbox/${mail.id}`}
                className="flex flex-col gap-0.5 px-4 py-3 hover:bg-stone-50 sm:flex-row sm:items-baseline sm:gap-4"
              >
                <span className="font-medium">{mail.subject}</span>
                <span className="text-sm text-stone-600">to {mail.to}</span>
                <time className="text-sm text-stone-600 sm:ml-auto" dateTime={mail.createdAt.toISOString()}>
                  {mail.createdAt.toISOString().replace("T", " ").slice(0, 16)} UTC
                </time>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
