/** One email, rendered, ready for a transport. */
export type OutgoingEmail = {
  to: string;
  from: string;
  subject: string;
  html: string;
  text: string;
  /** Where replies go (the merchant's support address), when not the sender. */
  replyTo?: string;
  headers?: Record<string, string>;
  /** Tags the provider keeps with the email (e.g. the notification id). */
  tags?: { name: string; value: string }[];
};

export type SendFailure = {
  /** `retry`: try again later (5xx, network); `rate_limited`: after `retryAfterSeconds`; `permanent`: never (4xx). */
  kind: "retry" | "rate_limited" | "permanent";
  message: string;
  status: number | null;
  /** The provider's error code (Resend's `name`, e.g. `validation_error`), when it gave one. */
  code?: string;
  retryAfterSeconds?: number;
};

export type SendResult = { ok: true; ids: string[] } | { ok: false; error: SendFailure };

/** Where email goes: Resend, or the dev mailbox. A batch is sent in one call, all or nothing. */
export type Transport = {
  name: "resend" | "mailbox";
  sendBatch(emails: OutgoingEmail[], idempotencyKey: string): Promise<SendResult>;
};
