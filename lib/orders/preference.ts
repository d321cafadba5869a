import { and, eq } from "drizzle-orm";
import type { Actor } from "../audit/actor";
import { writeAudit } from "../audit/log";
import type { DbOrTx } from "../db/client";
import { orders, type FulfillmentPreference } from "../db/schema/orders";
import { transaction } from "../db/transaction";
import { DomainError } from "../errors";
import { recordChange } from "../events/record";

/** "Ship what is ready now" or "ship everything together"; the merchant hears about it. */
export async function setFulfillmentPreference(
  db: DbOrTx,
  params: { merchantId: string; orderId: string; preference: FulfillmentPreference; actor: Actor; now: Date },
): Promise<{ changed: boolean }> {
  const { merchantId, orderId, preference, actor, now } = params;
  return transaction(db, async (tx) => {
    const [order] = await tx
      .select({ preference: orders.fulfillmentPreference, closedAt: orders.closedAt })
      .from(orders)
      .where(and(eq(orders.id, orderId), eq(orders.merchantId, merchantId)))
      .for("update");
    if (!order) throw new DomainError("not_found", "That order was not found.");
    if (order.closedAt)
      throw new DomainError("conflict", "Everything on this order has shipped or been cancelled already.");
    if (order.preference === preference) return { changed: false };
    await tx.update(orders).set({ fulfillmentPreference: preference, updatedAt: now }).where(eq(orders.id, orderId));
    await recordChange(tx, {
      actor,
      now,
      events: [
        {
          merchantId,
          orderId,
          type: "fulfillment_preference_changed",
          payload: { from: order.preference, to: preference },
        },
      ],
    });
    await writeAudit(tx, actor, now, [
      {
        merchantId,
        action: "order.fulfillment_preference",
        entityType: "order",
        entityId: orderId,
        orderId,
        before: { preference: order.preference },
        after: { preference },
      },
    ]);
    return { changed: true };
  });
}
