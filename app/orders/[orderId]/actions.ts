import { shopperAction } from "@/app/callers";
import { db } from "@/lib/db/client";
import { cancelLines } from "@/lib/orders/cancel";
import { setFulfillmentPreference } from "@/lib/orders/preference";
import { swapLine } from "@/lib/orders/swap";
import { parseCancel, parsePreference, parseSwap } from "./inputs";

// The order page's actions, for its signed-in owner (app/callers.ts checks who is asking); its forms post
// to the route handlers beside this file (cancel/, swap/, shipping/).

/** Cancel one waiting item, or (without lineId) everything on the order still waiting. */
export const cancelAction = shopperAction("cancel", parseCancel, async ({ lineId }, { email, order }) => {
  const result = await cancelLines(db(), {
    merchantId: order.merchantId,
    orderId: order.id,
    lineIds: lineId ? [lineId] : undefined,
    actor: { type: "shopper", id: email },
    now: new Date(),
    reason: "Cancelled by the shopper",
  });
  if (result.cancelled.length === 0) return { message: "That item was already cancelled." };
  const units = result.cancelled.reduce((n, c) => n + c.units, 0);
  return {
    message: `Cancelled ${units} ${units === 1 ? "item" : "items"}. We have emailed you a confirmation; the refund goes to your original payment.`,
  };
});

export const swapAction = shopperAction("swap", parseSwap, async ({ lineId, toSkuId }, { email, order }) => {
  const result = await swapLine(db(), {
    merchantId: order.merchantId,
    orderId: order.id,
    lineId,
    toSkuId,
    actor: { type: "shopper", id: email },
    now: new Date(),
  });
  return {
    message: result.repeated
      ? "That swap was already made."
      : "Swapped. Your new item is ready to ship, and we have emailed you a confirmation.",
  };
});

export const preferenceAction = shopperAction(
  "shipping choice",
  parsePreference,
  async ({ preference }, { email, order }) => {
    await setFulfillmentPreference(db(), {
      merchantId: order.merchantId,
      orderId: order.id,
      preference,
      actor: { type: "shopper", id: email },
      now: new Date(),
    });
    return {
      message:
        preference === "ship_together"
          ? "Saved: everything ships together once it is all here."
          : "Saved: items ship as soon as each is ready.",
    };
  },
);
