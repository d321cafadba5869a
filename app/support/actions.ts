"use server";

import { agentAction } from "@/app/callers";
import { db } from "@/lib/db/client";
import { addInternalNote, agentCancel, agentOverrideEta, agentSwap, resendNotification } from "@/lib/support/orders";
import { parseAgentCancel, parseAgentSwap, parseNote, parseOverrideEta, parseResend } from "./inputs";

// Agent actions on an order. app/callers.ts checks the agent; lib/support refuses orders outside
// the shops they serve.

const orderPage = ({ orderId }: { orderId: string }) => [`/support/orders/${orderId}`];

export const cancelForShopper = agentAction(
  "support cancel",
  parseAgentCancel,
  async ({ orderId, lineId, reason }, scope) => {
    const result = await agentCancel(db(), scope, { orderId, lineId, now: new Date(), reason: reason || undefined });
    return {
      message: result.cancelled.length
        ? "Cancelled for the shopper; they get a confirmation email."
        : "That item was already cancelled.",
    };
  },
  { revalidate: orderPage },
);

export const swapForShopper = agentAction(
  "support swap",
  parseAgentSwap,
  async ({ orderId, lineId, toSkuId }, scope) => {
    const result = await agentSwap(db(), scope, { orderId, lineId, toSkuId, now: new Date() });
    return {
      message: result.repeated
        ? "That swap was already made."
        : "Swapped for the shopper; the new item is ready to ship.",
    };
  },
  { revalidate: orderPage },
);

export const overrideEtaForShopper = agentAction(
  "support ETA override",
  parseOverrideEta,
  async ({ orderId, lineId, shipStart, shipEnd, note }, scope) => {
    await agentOverrideEta(db(), scope, { orderId, lineId, shipStart, shipEnd, note, now: new Date() });
    return { message: "Ship window set. The shopper sees it with your note, until the next supply change." };
  },
  { revalidate: orderPage },
);

export const addNote = agentAction(
  "support note",
  parseNote,
  async ({ orderId, body }, scope) => {
    await addInternalNote(db(), scope, { orderId, body, now: new Date() });
    return { message: "Note added. Only support can see it." };
  },
  { revalidate: orderPage },
);

export const resendEmail = agentAction(
  "support resend",
  parseResend,
  async ({ orderId, notificationId }, scope) => {
    await resendNotification(db(), scope, { orderId, notificationId, now: new Date() });
    return { message: "Queued to send again." };
  },
  { revalidate: orderPage },
);
