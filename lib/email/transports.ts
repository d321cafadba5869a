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
        const headers = { ...(email.replyTo ? { "Reply-To": email.replyTo } : {}), ...email.headers };
        const [row] = await rows<{ id: number }>(
          db,
          sql`with inserted as (
                insert into dev_mailbox ("to", "from", subject, html, text, headers, idempotency_key)
                values (${email.to}, ${email.from}, ${email.subject}, ${email.html}, ${email.text},
                        ${JSON.stringify(headers)}::jsonb, ${key})
                on conflict (idempotency_key) do nothing returning id)
              select id from inserted union all select id from dev_mailbox where idempotency_key = ${key} limit 1`,
        );
        ids.push(`mailbox_${row!.id}`);
      }
      return { ok: true, ids };
    },
  };
}

/** Seconds to wait from a `retry-after` header: a number of seconds or an HTTP date. */
export function retryAfterSeconds(header: string | undefined, now = Date.now()): number {
  if (!header) return 1;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const at = Date.parse(header);
  return Number.isNaN(at) ? 1 : Math.max(1, Math.ceil((at - now) / 1000));
}

// Resend answers 429 both for "slow down" and for a spent daily or monthly quota; waiting a few
// seconds does not bring a quota back, so those are not retried.
const quotaCodes = new Set(["daily_quota_exceeded", "monthly_quota_exceeded"]);

/** Sorts a provider's answer into retry later, rate limited, or never. */
export function classifyFailure(
  status: number | null,
  code: string | undefined,
  message: string,
  retryAfter?: string,
): SendFailure {
  const base = { status, message, ...(code ? { code } : {}) };
  if (status === 429 && !quotaCodes.has(code ?? "")) {
    return { kind: "rate_limited", ...base, retryAfterSeconds: retryAfterSeconds(retryAfter) };
  }
  // Another request with the same idempotency key is still being processed: ask again shortly.
  if (status === 409 && code === "concurrent_idempotent_requests") return { kind: "retry", ...base };
  if (status === null || status >= 500) return { kind: "retry", ...base };
  return { kind: "permanent", ...base };
}

/**
 * Resend's API through its SDK (which reads RESEND_BASE_URL). The SDK returns errors instead of
 * throwing; they are sorted into retry / rate limited / permanent here. A request that hangs is
 * abandoned after `timeoutMs` and retried later under the same idempotency key.
 */
export function resendTransport(options: { apiKey: string; baseUrl?: string; timeoutMs?: number }): Transport {
  const resend = new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined);
  const timeoutMs = options.timeoutMs ?? 20_000;
  const payload = (email: OutgoingEmail) => ({
    from: email.from,
    to: [email.to],
    subject: email.subject,
    html: email.html,
    text: email.text,
    ...(email.replyTo ? { replyTo: email.replyTo } : {}),
    headers: email.headers,
    tags: email.tags,
  });
  return {
    name: "resend",
    async sendBatch(emails, idempotencyKey): Promise<SendResult> {
      const requestOptions = { idempotencyKey, signal: AbortSignal.timeout(timeoutMs) };
      try {
        if (emails.length === 1) {
          const { data, error, headers } = await resend.emails.send(payload(emails[0]!), requestOptions);
          if (error)
            return {
              ok: false,
              error: classifyFailure(error.statusCode ?? null, error.name, error.message, headers?.["retry-after"]),
            };
          return { ok: true, ids: [data!.id] };
        }
        const { data, error, headers } = await resend.batch.send(emails.map(payload), requestOptions);
        if (error)
          return {
            ok: false,
            error: classifyFailure(error.statusCode ?? null, error.name, error.message, headers?.["retry-after"]),
          };
        return { ok: true, ids: (data?.data ?? []).map((d) => d.id) };
      } catch (error) {
        return {
          ok: false,
          error: classifyFailure(null, "network", error instanceof Error ? error.message : String(error)),
        };
      }
    },
  };
}
