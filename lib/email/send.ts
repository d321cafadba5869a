import { plainTextSelectors } from "@react-email/render";
import { compile } from "html-to-text";
import type { ReactElement } from "react";
import type * as ReactDomServer from "react-dom/server";
import { db as appDb, type DbOrTx } from "../db/client";
import { env } from "../env";
import { headerText } from "../security/text";
import { mailboxTransport, resendTransport } from "./transports";
import type { OutgoingEmail, SendResult, Transport } from "./types";

/** The configured transport: Resend with a key, the dev mailbox otherwise (see lib/env.ts). */
export function transport(db: DbOrTx = appDb()): Transport {
  const { mailTransport, RESEND_API_KEY, RESEND_BASE_URL } = env();
  return mailTransport === "resend"
    ? resendTransport({ apiKey: RESEND_API_KEY!, baseUrl: RESEND_BASE_URL })
    : mailboxTransport(db);
}

// react-dom/server is loaded on first use, as @react-email/render does, so this module can sit
// in bundles (Next server code) that must not import it eagerly.
let server: Promise<typeof ReactDomServer> | undefined;

// The text version comes from the HTML with react-email's own converter settings, compiled once:
// html-to-text's convert() compiles its options on every call, which made it three to four times
// slower, and the worker converts hundreds of emails a second. Headings keep their case.
const toText = compile({
  wordwrap: false,
  selectors: [
    ...plainTextSelectors,
    ...["h1", "h2", "h3"].map((selector) => ({ selector, options: { uppercase: false } })),
  ],
});

const doctype =
  '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">';

/**
 * HTML and plain text of a react-email template. The templates are synchronous, so one static
 * render gives the HTML (several times faster than @react-email/render's streaming render, which
 * matters when a worker renders hundreds a second) and the text is derived from that HTML, so
 * both always say the same thing.
 */
export async function renderEmail(element: ReactElement): Promise<{ html: string; text: string }> {
  server ??= import("react-dom/server");
  const { renderToStaticMarkup } = await server;
  // React 19 hoists preload links for images into <head>; email clients have no use for them.
  const markup = renderToStaticMarkup(element).replace(/<link\b[^>]*\brel="preload"[^>]*\bas="image"[^>]*\/?>/gi, "");
  const html = `${doctype}${markup.replace(/<!DOCTYPE.*?>/i, "")}`;
  return { html, text: toText(markup) };
}

/** Renders and sends one email now (sign-in links cannot wait for the outbox). Never throws. */
export async function sendNow(
  message: { to: string; subject: string; element: ReactElement; headers?: Record<string, string> },
  idempotencyKey: string,
): Promise<SendResult> {
  try {
    const { html, text } = await renderEmail(message.element);
    const email: OutgoingEmail = {
      to: message.to,
      from: env().MAIL_FROM,
      subject: headerText(message.subject),
      html,
      text,
      headers: message.headers,
    };
    return await transport().sendBatch([email], idempotencyKey);
  } catch (error) {
    return {
      ok: false,
      error: { kind: "retry", status: null, message: error instanceof Error ? error.message : String(error) },
    };
  }
}
