import Link from "next/link";

// One email laid out for the dev mailbox and its previews: subject, headers, the HTML as the
// shopper sees it (isolated in a sandboxed frame: no scripts, no same-origin access) and the text.

export function EmailView(props: {
  back: { href: string; label: string };
  label?: string;
  subject: string;
  headers: [string, string][];
  html: string;
  text: string;
}) {
  return (
    <main className="mx-auto max-w-4xl space-y-4 px-4 py-8">
      <Link href={props.back.href} className="text-sm underline">
        ← {props.back.label}
      </Link>
      {props.label && <p className="text-sm font-medium text-stone-600">{props.label}</p>}
      <h1 className="text-2xl font-bold">{props.subject}</h1>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 text-sm">
        {props.headers.map(([name, value]) => (
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
          title={`Email: ${props.subject}`}
          srcDoc={props.html}
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          className="h-[720px] w-full rounded-xl border border-stone-200 bg-white"
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
          {props.text}
        </pre>
      </section>
    </main>
  );
}
