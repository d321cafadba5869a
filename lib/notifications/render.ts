import { createElement, type ReactElement } from "react";
import type { NotificationKind } from "../db/schema/notifications";
import { renderEmail } from "../email/send";
import { BackorderedEmail, backorderedSubject } from "../email/templates/backordered";
import { CancelledEmail, cancelledSubject } from "../email/templates/cancelled";
import { DelayEmail, delaySubject } from "../email/templates/delay";
import { EtaConfirmedEmail, EtaMovedEmail, etaUpdateSubject } from "../email/templates/eta-update";
import type { EmailBrand } from "../email/templates/layout";
import type { OrderEmailBase } from "../email/templates/parts";
import { ShippedEmail, shippedSubject } from "../email/templates/shipped";
import { SwappedEmail, swappedSubject } from "../email/templates/swapped";
import type { OutgoingEmail } from "../email/types";
import { viewLinkUrl } from "../links/view-link";
import { delayAnswerUrl, manageUrl, preferencesUrl, unsubscribeUrl } from "./links";
import { reasonSentence } from "../orders/words";
import { parsePayload, type EtaWhy } from "./payloads";
import { formatDeadline, formatMoment } from "./time";
import { headerText } from "../security/text";

/** A notification with what its email needs from its order and merchant. */
export type NotificationToRender = {
  id: string;
  kind: NotificationKind;
  email: string;
  /** As stored; parsed for its kind when rendered (a payload of another shape fails to render). */
  payload: unknown;
  orderId: string;
  createdAt: Date;
  orderNumber: string;
  customerName: string | null;
  merchant: EmailBrand & {
    timezone: string;
    /** The shop's sender name and reply-to (notification settings); default its name and support email. */
    senderName?: string | null;
    replyTo?: string | null;
  };
};

/** The subject and the react-email element of a notification. Pure, apart from signing links. */
export function notificationEmail(n: NotificationToRender, appUrl: string): { subject: string; element: ReactElement } {
  const base: OrderEmailBase = {
    brand: {
      name: n.merchant.name,
      brandColor: n.merchant.brandColor,
      logoUrl: n.merchant.logoUrl,
      supportEmail: n.merchant.supportEmail,
    },
    appUrl,
    orderNumber: n.orderNumber,
    customerName: n.customerName,
    links: {
      // Issued at the notification's creation, so the same notification always renders the same link.
      view: viewLinkUrl(n.orderId, n.createdAt),
      manage: manageUrl(n.orderId),
      preferences: preferencesUrl(n.email, n.orderId),
    },
  };
  const zone = n.merchant.timezone;
  switch (n.kind) {
    case "backordered": {
      const p = parsePayload("backordered", n.payload);
      const props = {
        ...base,
        inStock: p.inStock,
        lines: p.lines.map((l) => ({
          title: l.title,
          quantity: l.quantity,
          preorder: l.status === "preorder",
          shipStart: l.shipStart,
          shipEnd: l.shipEnd,
          deliveryStart: l.deliveryStart,
          deliveryEnd: l.deliveryEnd,
          linesAhead: l.linesAhead,
        })),
      };
      return { subject: backorderedSubject(props), element: createElement(BackorderedEmail, props) };
    }
    case "eta_moved":
    case "eta_confirmed": {
      const p = parsePayload(n.kind, n.payload);
      const props = {
        ...base,
        lines: (p.changes ?? []).map((c) => ({
          title: c.title,
          change: c.change,
          fromStart: c.from.start,
          fromEnd: c.from.end,
          toStart: c.to.start,
          toEnd: c.to.end,
          why: whySentence(c.why),
        })),
      };
      return {
        subject: etaUpdateSubject(props),
        element: createElement(n.kind === "eta_confirmed" ? EtaConfirmedEmail : EtaMovedEmail, props),
      };
    }
    case "shipped": {
      const p = parsePayload("shipped", n.payload);
      const props = {
        ...base,
        carrier: p.carrier,
        trackingNumber: p.trackingNumber,
        trackingUrl: p.trackingUrl && /^https?:\/\//.test(p.trackingUrl) ? p.trackingUrl : null,
        shippedAt: formatMoment(new Date(p.shippedAt), zone),
        lines: p.lines.map((l) => ({ title: l.title, units: l.units })),
        stillWaiting: p.stillWaiting,
      };
      return { subject: shippedSubject(props), element: createElement(ShippedEmail, props) };
    }
    case "cancelled": {
      const p = parsePayload("cancelled", n.payload);
      const props = {
        ...base,
        lines: p.lines,
        currency: p.currency,
        by: p.by,
        deadline: p.deadline ? formatDeadline(new Date(p.deadline), zone) : null,
      };
      return { subject: cancelledSubject(props), element: createElement(CancelledEmail, props) };
    }
    case "swapped": {
      const p = parsePayload("swapped", n.payload);
      const props = {
        ...base,
        fromTitle: p.fromTitle,
        toTitle: p.toTitle,
        units: p.units,
        refundMinor: p.refundMinor,
        currency: p.currency,
        by: p.by,
        shipsWith: p.shipsWith ?? null,
      };
      return { subject: swappedSubject(props), element: createElement(SwappedEmail, props) };
    }
    case "delay_first":
    case "delay_renewed": {
      const p = parsePayload(n.kind, n.payload);
      const props = {
        ...base,
        renewed: p.renewed,
        lines: p.notices.map((d) => ({
          title: d.title,
          promisedShipEnd: d.promisedShipEnd,
          newShipStart: d.newShipStart,
          newShipEnd: d.newShipEnd,
          consentNeeded: d.consentNeeded,
          answerUrl: delayAnswerUrl(d.noticeId),
          deadline: d.deadline ? formatDeadline(new Date(d.deadline), zone) : null,
          why: whySentence(d.why),
        })),
      };
      return { subject: delaySubject(props), element: createElement(DelayEmail, props) };
    }
  }
}

/** Why a date moved, in the shopper's words (the order page's sentence); null for emails from before reasons were kept. */
function whySentence(why: EtaWhy | null | undefined): string | null {
  if (!why) return null;
  return reasonSentence(why.reason, { first: false, supplierNote: why.poNote, overrideNote: why.note });
}

/** `"Northwind Outfitters" <updates@…>`: the merchant's name on the portal's sending address. */
export function senderFor(merchantName: string, mailFrom: string): string {
  const address = /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom.trim();
  const name = headerText(merchantName).replace(/["\\]/g, "\\$&");
  return `"${name}" <${address}>`;
}

/** A notification as an email: rendered HTML and text, sender, reply address, unsubscribe headers. */
export async function renderNotification(
  n: NotificationToRender,
  options: { appUrl: string; mailFrom: string },
): Promise<OutgoingEmail> {
  const { subject, element } = notificationEmail(n, options.appUrl);
  const { html, text } = await renderEmail(element);
  return {
    to: n.email,
    from: senderFor(n.merchant.senderName || n.merchant.name, options.mailFrom),
    ...((n.merchant.replyTo ?? n.merchant.supportEmail)
      ? { replyTo: n.merchant.replyTo ?? n.merchant.supportEmail }
      : {}),
    subject: headerText(subject),
    html,
    text,
    headers: {
      // RFC 8058 one-click unsubscribe: mail clients POST to the address; it stops ETA updates.
      "List-Unsubscribe": `<${unsubscribeUrl(n.email)}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
    tags: [
      { name: "notification_id", value: n.id },
      { name: "kind", value: n.kind },
    ],
  };
}
