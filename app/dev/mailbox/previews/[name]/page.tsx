import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { EmailView } from "@/components/dev/email-view";
import { mailboxAccess } from "@/lib/email/mailbox-access";
import { renderPreview } from "@/lib/notifications/previews";

export const dynamic = "force-dynamic";
export const metadata = { title: "Email preview" };

// GET /dev/mailbox/previews/{name} — one email with sample data: subject, headers, HTML, text.
export default async function PreviewPage({ params }: { params: Promise<{ name: string }> }) {
  if (mailboxAccess(await headers()) !== "open") notFound();
  const preview = await renderPreview((await params).name);
  if (!preview) notFound();
  const { email } = preview;
  return (
    <EmailView
      back={{ href: "/dev/mailbox/previews", label: "All previews" }}
      label={preview.label}
      subject={email.subject}
      headers={[
        ["From", email.from],
        ["To", email.to],
        ...(email.replyTo ? ([["Reply-To", email.replyTo]] as [string, string][]) : []),
        ...Object.entries(email.headers ?? {}),
      ]}
      html={email.html}
      text={email.text}
    />
  );
}
