import type { Actor } from "../audit/actor";
import type { DbOrTx } from "../db/client";
import { domainEvents } from "../db/schema/notifications";
import type { EtaChange } from "../eta/recompute";
import { changeSubscribers } from "./subscribers";
import { checkedEvent, type ChangeSubscriber, type DomainEvent, type RecordedChange } from "./types";

/**
 * Records what a change did, in its transaction: its domain events, then whatever follows from
 * them and from its ETA changes, written by each subscriber (emails, the merchant's webhooks). A
 * rolled-back change leaves none of it. `subscribers` is the app's list unless a caller names others.
 */
export async function recordChange(
  tx: DbOrTx,
  change: {
    actor: Actor;
    now: Date;
    events?: readonly DomainEvent[];
    etaChanges?: readonly EtaChange[];
    inlineEtaEmails?: number;
  },
  subscribers: readonly ChangeSubscriber[] = changeSubscribers,
): Promise<void> {
  const recorded: RecordedChange = {
    actor: change.actor,
    now: change.now,
    events: (change.events ?? []).map(checkedEvent),
    etaChanges: change.etaChanges ?? [],
    inlineEtaEmails: change.inlineEtaEmails,
  };
  if (recorded.events.length > 0) {
    await tx.insert(domainEvents).values(
      recorded.events.map((e) => ({
        merchantId: e.merchantId,
        orderId: e.orderId,
        orderLineId: e.orderLineId ?? null,
        type: e.type,
        payload: e.payload,
        actorType: change.actor.type,
        actorId: change.actor.id,
        at: change.now,
      })),
    );
  }
  for (const subscriber of subscribers) {
    const concerned =
      (subscriber.etaChanges && recorded.etaChanges.length > 0) ||
      recorded.events.some((e) => subscriber.eventTypes.includes(e.type));
    if (concerned) await subscriber.write(tx, recorded);
  }
}
