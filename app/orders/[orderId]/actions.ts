"use server";

import { revalidatePath } from "next/cache";
import { and, eq } from "drizzle-orm";
import { currentEmail } from "@/auth";
import { db } from "@/lib/db/client";
import { orders } from "@/lib/db/schema/orders";
import { isDomainError } from "@/lib/errors";
import { cancelLines } from "@/lib/orders/cancel";
import { setFulfillmentPreference } from "@/lib/orders/preference";
import { swapLine } from "@/lib/orders/swap";
import { parseCancel, parsePreference, parseSwap } from "./inputs";

// Server actions are public endpoints: each validates its input, checks who is asking and that
// they own the order, and answers with a sentence instead of throwing.

export type ActionResult = { ok: true; message: string } | { ok: false; error: string };

const notYours = "We could not find that order for the email you signed in with.";

async function ownedOrder(
  orderId: string,
): Promise<{ error: string } | { order: { id: string; merchantId: string }; email: string }> {
  const email = await currentEmail();
  if (!email) return { error: "Your sign-in has expired. Please sign in again." };
  const [order] = await db()
    .select({ id: orders.id, merchantId: orders.merchantId })
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.email, email)));
  // Someone else's order and a missing one look the same.
  if (!order) return { error: notYours };
  return { order, email };
}

async function run(
  orderId: string,
  work: (ctx: { merchantId: string; email: string }) => Promise<string>,
): Promise<ActionResult> {
  const owned = await ownedOrder(orderId);
  if ("error" in owned) return { ok: false, error: owned.error };
  try {
    const message = await work({ merchantId: owned.order.merchantId, email: owned.email });
    revalidatePath(`/orders/${orderId}`);
    return { ok: true, message };
  } catch (error) {
    if (isDomainError(error)) return { ok: false, error: error.message };
    console.error("order action failed", error);
    return {
      ok: false,
      error: "Something went wrong on our side and nothing was changed. Please try again in a moment.",
    };
  }
}

/** Cancel one waiting item, or (without lineId) everything on the order still waiting. */
export async function cancelAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = parseCancel(form);
  if (!parsed.ok) return parsed;
  const { orderId, lineId } = parsed.data;
  return run(orderId, async ({ merchantId, email }) => {
    const result = await cancelLines(db(), {
      merchantId,
      orderId,
      lineIds: lineId ? [lineId] : undefined,
      actor: { type: "shopper", id: email },
      now: new Date(),
      reason: "Cancelled by the shopper",
    });
    if (result.cancelled.length === 0) return "That item was already cancelled.";
    const units = result.cancelled.reduce((n, c) => n + c.units, 0);
    return `Cancelled ${units} ${units === 1 ? "item" : "items"}. We have emailed you a confirmation; the refund goes to your original payment.`;
  });
}

export async function swapAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = parseSwap(form);
  if (!parsed.ok) return parsed;
  const { orderId, lineId, toSkuId } = parsed.data;
  return run(orderId, async ({ merchantId, email }) => {
    const result = await swapLine(db(), {
      merchantId,
      orderId,
      lineId,
      toSkuId,
      actor: { type: "shopper", id: email },
      now: new Date(),
    });
    return result.repeated
      ? "That swap was already made."
      : "Swapped. Your new item is ready to ship, and we have emailed you a confirmation.";
  });
}

export async function preferenceAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  const parsed = parsePreference(form);
  if (!parsed.ok) return parsed;
  const { orderId, preference } = parsed.data;
  return run(orderId, async ({ merchantId, email }) => {
    await setFulfillmentPreference(db(), {
      merchantId,
      orderId,
      preference,
      actor: { type: "shopper", id: email },
      now: new Date(),
    });
    return preference === "ship_together"
      ? "Saved: everything ships together once it is all here."
      : "Saved: items ship as soon as each is ready.";
  });
}
