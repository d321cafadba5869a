import Link from "next/link";
import { headers as requestHeaders } from "next/headers";
import { notFound } from "next/navigation";
import { mailboxAccess } from "@/lib/email/mailbox-access";
import { renderPreview } from "@/lib/notifications/previews";

export const dynamic = "force-dynamic";
export const metadata = { title: "Email preview" };

// GET /dev/mailbox/previews/{name} — one email with sample data: subject, headers, HTML, text.
export default async function PreviewPage({ params }: { params: Promise<{ name: string }> }) {
  if (mailboxAccess(await requestHeaders()) !== "open") notFound();
  const preview = await renderPreview((await params).name);
  if (!preview) notFound();
  const { email } = preview;
  const headers: [string, string][] = [
    ["From", email.from],
    ["To", email.to],
    ...(email.replyTo ? ([["Reply-To", email.replyTo]] as [string, string][]) : []),
    ...Object.entries(email.headers ?? {}),
  ];
  return (
    <main className="mx-auto max-w-4xl space-y-4 px-4 py-8">
      <Link href="/dev/mailbox/previews" className="text-sm underline">
        ← All previews
      </Link>
      <p className="text-sm font-medium text-stone-600">{preview.label}</p>
      <h1 className="text-2xl font-bold">{email.subject}</h1>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 text-sm">
        {headers.map(([name, value]) => (
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
        <iframe
          title={`Email preview: ${email.subject}`}
          srcDoc={email.html}
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          className="h-[720px] w-full rounded-xl border border-stone-200 bg-white"
        />
      </section>
      <section aria-labelledby="text-heading" className="space-y-2">
        <h2 id="text-heading" className="font-semibold">
          Plain text
        </h2>
        <pre className="overflow-x-auto rounded-xl border border-stone-200 bg-white p-4 text-sm whitespace-pre-wrap">
          {email.text}
        </pre>
      </section>
    </main>
  );
}
