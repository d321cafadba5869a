import { sql } from "drizzle-orm";
import { Resend } from "resend";
import { rows, type DbOrTx } from "../db/client";
import type { OutgoingEmail, SendFailure, SendResult, Transport } from "./types";

/** Keeps mail in the database, shown at /dev/mailbox. The idempotency key makes resends no-ops. */
export function mailboxTransport(db: DbOrTx): Transport {
  return {
    name: "mailbox",
    async sendBatch(emails, idempotencyKey) {
      const ids: string[] = [];
      for (const [i, email] of emails.entries()) {
        const key = emails.length === 1 ? idempotencyKey : `${idempotencyKey}#${i}`;
        const [row] = await rows<{ id: number }>(
          db,
          sql`with inserted as (
                insert into dev_mailbox ("to", "from", subject, html, text, headers, idempotency_key)
                values (${email.to}, ${email.from}, ${email.subject}, ${email.html}, ${email.text},
                        ${JSON.stringify(email.headers ?? {})}::jsonb, ${key})
                on conflict (idempotency_key) do nothing returning id)
              select id from inserted union all select id from dev_mailbox where idempotency_key = ${key} limit 1`,
        );
        ids.push(`mailbox_${row!.id}`);
      }
      return { ok: true, ids };
    },
  };
}

function failure(status: number | null, message: string, retryAfter: string | undefined): SendFailure {
  if (status === 429) {
    const seconds = Number(retryAfter);
    return { kind: "rate_limited", status, message, retryAfterSeconds: Number.isFinite(seconds) && seconds > 0 ? seconds : 1 };
  }
  if (status === null || status >= 500) return { kind: "retry", status, message };
  return { kind: "permanent", status, message };
}

/**
 * Resend's API through its SDK (which reads RESEND_BASE_URL). The SDK returns errors instead of
 * throwing; they are sorted into retry / rate limited / permanent here.
 */
export function resendTransport(options: { apiKey: string; baseUrl?: string }): Transport {
  const resend = new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined);
  const payload = (email: OutgoingEmail) => ({
    from: email.from,
    to: [email.to],
    subject: email.subject,
    html: email.html,
    text: email.text,
    headers: email.headers,
    tags: email.tags,
  });
  return {
    name: "resend",
    async sendBatch(emails, idempotencyKey): Promise<SendResult> {
      if (emails.length === 1) {
        const { data, error, headers } = await resend.emails.send(payload(emails[0]!), { idempotencyKey });
        if (error) return { ok: false, error: failure(error.statusCode ?? null, error.message, headers?.["retry-after"]) };
        return { ok: true, ids: [data!.id] };
      }
      const { data, error, headers } = await resend.batch.send(emails.map(payload), { idempotencyKey });
      if (error) return { ok: false, error: failure(error.statusCode ?? null, error.message, headers?.["retry-after"]) };
      return { ok: true, ids: (data?.data ?? []).map((d) => d.id) };
    },
  };
}
