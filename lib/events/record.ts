import type { Actor } from "../audit/actor";
import type { DbOrTx } from "../db/client";
import { domainEvents, type DomainEventType } from "../db/schema/notifications";
import type { EtaChange } from "../eta/recompute";
import { writeWebhookDeliveries } from "../integrations/webhooks/events";
import { writeNotifications } from "../notifications/outbox";

export type DomainEventInput = {
  merchantId: string;
  orderId?: string | null;
  orderLineId?: number | null;
  type: DomainEventType;
  payload?: Record<string, unknown>;
};

/**
 * Records what a change did, in its transaction: the domain events, and what follows from them
 * and from the ETA changes (notifications, outgoing webhooks). A rolled-back change leaves none.
 */
export async function recordChange(
  tx: DbOrTx,
  change: { actor: Actor; now: Date; events?: readonly DomainEventInput[]; etaChanges?: readonly EtaChange[] },
): Promise<void> {
  const events = change.events ?? [];
  if (events.length > 0) {
    await tx.insert(domainEvents).values(
      events.map((e) => ({
        merchantId: e.merchantId,
        orderId: e.orderId ?? null,
        orderLineId: e.orderLineId ?? null,
        type: e.type,
        payload: e.payload ?? {},
        actorType: change.actor.type,
        actorId: change.actor.id,
        at: change.now,
      })),
    );
  }
  await writeNotifications(tx, { actor: change.actor, now: change.now, events, etaChanges: change.etaChanges ?? [] });
  // Cancels, swaps, consent expiries and shipping choices, for the merchant's webhook endpoints.
  await writeWebhookDeliveries(tx, { actor: change.actor, now: change.now, events });
}
