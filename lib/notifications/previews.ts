import { createElement } from "react";
import { renderEmail } from "../email/send";
import { OrderLinkEmail } from "../email/templates/order-link";
import { SignInEmail } from "../email/templates/sign-in";
import { sampleSwap } from "../email/templates/swapped";
import type { OutgoingEmail } from "../email/types";
import { env } from "../env";
import type {
  BackorderedPayload,
  CancelledPayload,
  DelayPayload,
  EtaPayload,
  ShippedPayload,
  SwappedPayload,
} from "./payloads";
import { renderNotification, type NotificationToRender } from "./render";

// Every email with sample data, rendered exactly as the worker renders real ones: for the preview
// pages of the dev mailbox, and for the tests that check client support and accessibility.

const northwind = {
  name: "Northwind Outfitters",
  brandColor: "#0f766e",
  logoUrl: "/brands/northwind.svg",
  supportEmail: "help@northwind.example",
  timezone: "America/New_York",
};
const lumen = {
  name: "Lumen & Loom",
  brandColor: "#9f1239",
  logoUrl: "/brands/lumen-loom.svg",
  supportEmail: "care@lumenloom.example",
  timezone: "Europe/London",
};
const sampleOrderId = "00000000-0000-4000-8000-000000001042";

function sample(kind: NotificationToRender["kind"], payload: object, merchant = northwind): NotificationToRender {
  return {
    id: `00000000-0000-4000-8000-${kind.length.toString().padStart(12, "0")}`,
    kind,
    email: "maya.lindqvist@example.com",
    payload: payload as Record<string, unknown>,
    orderId: sampleOrderId,
    createdAt: new Date("2026-11-26T14:00:00Z"),
    orderNumber: merchant === lumen ? "LL-2207" : "#1042",
    customerName: "Maya Lindqvist",
    merchant,
  };
}

const jacket = {
  lineId: 1,
  title: "Trail Jacket — Green / M",
  quantity: 1,
  status: "backordered" as const,
  shipStart: "2026-12-11",
  shipEnd: "2026-12-15",
  deliveryStart: "2026-12-13",
  deliveryEnd: "2026-12-20",
  linesAhead: 3,
};
const stove = {
  lineId: 2,
  title: "Camp Stove",
  quantity: 1,
  status: "backordered" as const,
  shipStart: null,
  shipEnd: null,
  deliveryStart: null,
  deliveryEnd: null,
  linesAhead: 0,
};

export const notificationPreviews: { name: string; label: string; notification: NotificationToRender }[] = [
  {
    name: "backordered",
    label: "Backordered (on intake)",
    notification: sample("backordered", {
      lines: [jacket, stove],
      inStock: ["Wool Socks"],
    } satisfies BackorderedPayload),
  },
  {
    name: "eta-moved",
    label: "ETA moved",
    notification: sample("eta_moved", {
      lines: {},
      final: true,
      changes: [
        {
          lineId: 1,
          title: jacket.title,
          change: "later",
          from: { start: "2026-12-11", end: "2026-12-15" },
          to: { start: "2026-12-14", end: "2026-12-18" },
        },
      ],
    } satisfies EtaPayload),
  },
  {
    name: "eta-confirmed",
    label: "ETA confirmed",
    notification: sample("eta_confirmed", {
      lines: {},
      final: true,
      changes: [
        {
          lineId: 2,
          title: stove.title,
          change: "confirmed",
          from: { start: null, end: null },
          to: { start: "2026-12-20", end: "2026-12-24" },
        },
      ],
    } satisfies EtaPayload),
  },
  {
    name: "shipped",
    label: "Shipped",
    notification: sample("shipped", {
      shipmentId: null,
      carrier: "UPS",
      trackingNumber: "1Z999AA10123456784",
      trackingUrl: "https://www.ups.com/track?tracknum=1Z999AA10123456784",
      shippedAt: "2026-11-27T02:41:00.000Z",
      lines: [{ lineId: 3, title: "Wool Socks", units: 2 }],
      stillWaiting: [{ title: jacket.title, shipStart: jacket.shipStart, shipEnd: jacket.shipEnd }],
    } satisfies ShippedPayload),
  },
  {
    name: "cancelled",
    label: "Cancelled",
    notification: sample("cancelled", {
      lines: [{ lineId: 2, title: stove.title, units: 1, refundMinor: 8900 }],
      currency: "USD",
      by: "shopper",
      deadline: null,
    } satisfies CancelledPayload),
  },
  {
    name: "cancelled-no-consent",
    label: "Cancelled (no answer to a delay notice)",
    notification: sample(
      "cancelled",
      {
        lines: [{ lineId: 2, title: "Linen Duvet — Oat / Double", units: 1, refundMinor: 14500 }],
        currency: "GBP",
        by: "no_consent",
        deadline: "2026-12-05T00:00:00.000Z",
      } satisfies CancelledPayload,
      lumen,
    ),
  },
  {
    name: "swapped",
    label: "Swapped",
    notification: sample("swapped", { lineId: 4, newLineId: 5, ...sampleSwap } satisfies SwappedPayload),
  },
  {
    name: "delay-first",
    label: "Delay notice (first, silence keeps the order)",
    notification: sample("delay_first", {
      renewed: false,
      notices: [
        {
          noticeId: 1,
          lineId: 1,
          title: jacket.title,
          promisedShipEnd: "2026-12-15",
          newShipStart: "2026-12-22",
          newShipEnd: "2026-12-29",
          consentNeeded: false,
          deadline: null,
        },
      ],
    } satisfies DelayPayload),
  },
  {
    name: "delay-renewed",
    label: "Delay notice (renewed, needs “keep waiting”)",
    notification: sample(
      "delay_renewed",
      {
        renewed: true,
        notices: [
          {
            noticeId: 2,
            lineId: 1,
            title: "Linen Duvet — Oat / Double",
            promisedShipEnd: "2026-12-29",
            newShipStart: null,
            newShipEnd: null,
            consentNeeded: true,
            deadline: "2026-12-30T00:00:00.000Z",
          },
        ],
      } satisfies DelayPayload,
      lumen,
    ),
  },
];

/** One preview, rendered as it would be sent; null for an unknown name. */
export async function renderPreview(name: string): Promise<{ label: string; email: OutgoingEmail } | null> {
  const { APP_URL, MAIL_FROM } = env();
  if (name === "sign-in") {
    const props = { ...SignInEmail.PreviewProps, appUrl: APP_URL };
    const { html, text } = await renderEmail(createElement(SignInEmail, props));
    return {
      label: "Sign-in link",
      email: { to: "maya.lindqvist@example.com", from: MAIL_FROM, subject: "Your sign-in link", html, text },
    };
  }
  if (name === "order-link") {
    const props = { ...OrderLinkEmail.PreviewProps, appUrl: APP_URL };
    const { html, text } = await renderEmail(createElement(OrderLinkEmail, props));
    return {
      label: "Order link (after many lookups)",
      email: { to: "maya.lindqvist@example.com", from: MAIL_FROM, subject: "The link to order #1042", html, text },
    };
  }
  const preview = notificationPreviews.find((p) => p.name === name);
  if (!preview) return null;
  return {
    label: preview.label,
    email: await renderNotification(preview.notification, { appUrl: APP_URL, mailFrom: MAIL_FROM }),
  };
}

export function previewList(): { name: string; label: string }[] {
  return [
    ...notificationPreviews.map(({ name, label }) => ({ name, label })),
    { name: "sign-in", label: "Sign-in link" },
    { name: "order-link", label: "Order link (after many lookups)" },
  ];
}

/**
 * Renders every kind a few dozen times, so a fresh worker's first real batches are not rendered
 * by cold, unoptimised code (several times slower for the first hundreds of emails).
 */
export async function warmUpRendering(rounds = 25): Promise<void> {
  const options = { appUrl: env().APP_URL, mailFrom: env().MAIL_FROM };
  for (let i = 0; i < rounds; i++) {
    for (const { notification } of notificationPreviews) await renderNotification(notification, options);
  }
}
