import { webhookSubscriber } from "../integrations/webhooks/events";
import { outboxSubscriber } from "../notifications/outbox";
import type { ChangeSubscriber } from "./types";

// What follows from a recorded change, in order: the shopper's emails (the outbox), then the
// merchant's webhooks. Each subscriber depends on lib/events/types.ts only; recordChange calls
// this list and imports none of them.
export const changeSubscribers: readonly ChangeSubscriber[] = [outboxSubscriber, webhookSubscriber];
