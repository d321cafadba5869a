import Link from "next/link";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { mailboxAccess } from "@/lib/email/mailbox-access";
import { previewList } from "@/lib/notifications/previews";

export const dynamic = "force-dynamic";
export const metadata = { title: "Email previews" };

// GET /dev/mailbox/previews — every email the portal sends, with sample data, as it is rendered
// for sending. Like the mailbox, it exists only while the mailbox is the mail transport.
export default async function PreviewsPage() {
  if (mailboxAccess(await headers()) !== "open") notFound();
  return (
    <main className="mx-auto max-w-4xl space-y-6 px-4 py-8">
      <Link href="/dev/mailbox" className="text-sm underline">
        ← Dev mailbox
      </Link>
      <header className="space-y-2">
        <h1 className="text-2xl font-bold">Email previews</h1>
        <p className="text-stone-700">
          Every email the portal sends, with sample data, rendered exactly as the worker renders it.
        </p>
      </header>
      <ul className="divide-y divide-stone-200 rounded-xl border border-stone-200 bg-white">
        {previewList().map((preview) => (
          <li key={preview.name}>
            <Link
              href={`/dev/mailbox/previews/${preview.name}`}
              className="block px-4 py-3 font-medium hover:bg-stone-50"
            >
              {preview.label}
            </Link>
          </li>
        ))}
      </ul>
    </main>
  );
}
