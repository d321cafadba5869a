import { render } from "@react-email/render";
import type { ReactElement } from "react";
import { db as appDb, type DbOrTx } from "../db/client";
import { env } from "../env";
import { mailboxTransport, resendTransport } from "./transports";
import type { OutgoingEmail, SendResult, Transport } from "./types";

/** The configured transport: Resend with a key, the dev mailbox otherwise (see lib/env.ts). */
export function transport(db: DbOrTx = appDb()): Transport {
  const { mailTransport, RESEND_API_KEY, RESEND_BASE_URL } = env();
  return mailTransport === "resend" ? resendTransport({ apiKey: RESEND_API_KEY!, baseUrl: RESEND_BASE_URL }) : mailboxTransport(db);
}

/** HTML and plain text of a react-email template. */
export async function renderEmail(element: ReactElement): Promise<{ html: string; text: string }> {
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { html, text };
}

/** Renders and sends one email now (sign-in links cannot wait for the outbox). Never throws. */
export async function sendNow(
  message: { to: string; subject: string; element: ReactElement; headers?: Record<string, string> },
  idempotencyKey: string,
): Promise<SendResult> {
  try {
    const { html, text } = await renderEmail(message.element);
    const email: OutgoingEmail = { to: message.to, from: env().MAIL_FROM, subject: message.subject, html, text, headers: message.headers };
    return await transport().sendBatch([email], idempotencyKey);
  } catch (error) {
    return { ok: false, error: { kind: "retry", status: null, message: error instanceof Error ? error.message : String(error) } };
  }
}
