import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { EmailView } from "@/components/dev/email-view";
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
    <EmailView
      back={{ href: "/dev/mailbox", label: "All mail" }}
      subject={mail.subject}
      headers={[["To", mail.to], ["From", mail.from], ...Object.entries(mail.headers)]}
      html={mail.html}
      text={mail.text}
    />
  );
}
