"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/lib/db/client";
import { isDomainError } from "@/lib/errors";
import { addInternalNote, agentCancel, agentOverrideEta, agentSwap, resendNotification } from "@/lib/support/orders";
import type { AgentScope } from "@/lib/support/access";
import { agentOrNull } from "./guard";
import { parseAgentCancel, parseAgentSwap, parseNote, parseOverrideEta, parseResend } from "./inputs";

// Agent actions. Each checks the agent and their merchant itself (through lib/support, which
// refuses orders outside the agent's scope), validates with zod, and answers with a sentence.

export type SupportResult = { ok: true; message: string } | { ok: false; error: string };

async function asAgent(orderId: string, work: (scope: AgentScope) => Promise<string>): Promise<SupportResult> {
  const scope = await agentOrNull();
  if (!scope) return { ok: false, error: "Only support agents can do this. Please sign in again." };
  try {
    const message = await work(scope);
    revalidatePath(`/support/orders/${orderId}`);
    return { ok: true, message };
  } catch (error) {
    if (isDomainError(error)) return { ok: false, error: error.message };
    console.error("support action failed", error);
    return { ok: false, error: "Something went wrong on our side and nothing was changed. Please try again." };
  }
}

export async function cancelForShopper(_previous: SupportResult | null, form: FormData): Promise<SupportResult> {
  const parsed = parseAgentCancel(form);
  if (!parsed.ok) return parsed;
  const { orderId, lineId, reason } = parsed.data;
  return asAgent(orderId, async (scope) => {
    const result = await agentCancel(db(), scope, { orderId, lineId, now: new Date(), reason: reason || undefined });
    return result.cancelled.length
      ? "Cancelled for the shopper; they get a confirmation email."
      : "That item was already cancelled.";
  });
}

export async function swapForShopper(_previous: SupportResult | null, form: FormData): Promise<SupportResult> {
  const parsed = parseAgentSwap(form);
  if (!parsed.ok) return parsed;
  const { orderId, lineId, toSkuId } = parsed.data;
  return asAgent(orderId, async (scope) => {
    const result = await agentSwap(db(), scope, { orderId, lineId, toSkuId, now: new Date() });
    return result.repeated ? "That swap was already made." : "Swapped for the shopper; the new item is ready to ship.";
  });
}

export async function overrideEtaForShopper(_previous: SupportResult | null, form: FormData): Promise<SupportResult> {
  const parsed = parseOverrideEta(form);
  if (!parsed.ok) return parsed;
  const { orderId, lineId, shipStart, shipEnd, note } = parsed.data;
  return asAgent(orderId, async (scope) => {
    await agentOverrideEta(db(), scope, { orderId, lineId, shipStart, shipEnd, note, now: new Date() });
    return "Ship window set. The shopper sees it with your note, until the next supply change.";
  });
}

export async function addNote(_previous: SupportResult | null, form: FormData): Promise<SupportResult> {
  const parsed = parseNote(form);
  if (!parsed.ok) return parsed;
  const { orderId, body } = parsed.data;
  return asAgent(orderId, async (scope) => {
    await addInternalNote(db(), scope, { orderId, body, now: new Date() });
    return "Note added. Only support can see it.";
  });
}

export async function resendEmail(_previous: SupportResult | null, form: FormData): Promise<SupportResult> {
  const parsed = parseResend(form);
  if (!parsed.ok) return parsed;
  const { orderId, notificationId } = parsed.data;
  return asAgent(orderId, async (scope) => {
    await resendNotification(db(), scope, { orderId, notificationId, now: new Date() });
    return "Queued to send again.";
  });
}
