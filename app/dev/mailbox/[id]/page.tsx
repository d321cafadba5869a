import Link from "next/link";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { mailboxAccess } from "@/lib/email/mailbox-access";
import { db } from "@/lib/db/client";
import { mailById } from "@/lib/email/mailbox";

export const dynamic = "force-dynamic";
export const metadata = { title: "Dev mailbox" };

export default async function MailPage({ params }: { params: Promise<{ id: string }> }) {
  if (mailboxAccess(await headers()) !== "open") notFound();
  const id = Number((await params).id);
  const mail = Number.isSafeInteger(id) ? await mailById(db(), id) : null;
  if (!mail) notFound();
  return (
    <main className="mx-auto max-w-4xl space-y-4 px-4 py-8">
      <Link href="/dev/mailbox" className="text-sm underline">
        ← All mail
      </Link>
      <h1 className="text-2xl font-bold">{mail.subject}</h1>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 text-sm">
        <dt className="text-stone-600">To</dt>
        <dd>{mail.to}</dd>
        <dt className="text-stone-600">From</dt>
        <dd>{mail.from}</dd>
        {Object.entries(mail.headers).map(([name, value]) => (
          <div key={name} className="contents">
            <dt className="text-stone-600">{name}</dt>
            <dd className="break-all">{value}</dd>
          </div>
        ))}
      </dl>
      <section aria-labelledby="html-heading" className="space-y-2">
        <h2 id="html-heading" className="font-semibold">
          As the shopper sees it
        </h2>
        {/* The email's own HTML, isolated from this page (no scripts, no same-origin access). */}
        <iframe
          title={`Email: ${mail.subject}`}
          srcDoc={mail.html}
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          className="h-[640px] w-full rounded-xl border border-stone-200 bg-white"
        />
      </section>
      <section aria-labelledby="text-heading" className="space-y-2">
        <h2 id="text-heading" className="font-semibold">
          Plain text
        </h2>
        <pre
          data-testid="mail-text"
          className="overflow-x-auto rounded-xl border border-stone-200 bg-white p-4 text-sm whitespace-pre-wrap"
        >
          {mail.text}
        </pre>
      </section>
    </main>
  );
}
