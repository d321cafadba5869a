import { writebackSubscriber } from "../integrations/shopify/writeback";
import { outboxSubscriber } from "../notifications/outbox";
import { publishedEventsSubscriber } from "./published";
import type { ChangeSubscriber } from "./types";

// What follows from a recorded change, in order: the shopper's emails (the outbox), then the
// merchant's events (the feed and its webhook deliveries), then the ETAs going back to Shopify
// orders. Each subscriber depends on lib/events/types.ts only; recordChange calls this list and
// imports none of them.
export const changeSubscribers: readonly ChangeSubscriber[] = [
  outboxSubscriber,
  publishedEventsSubscriber,
  writebackSubscriber,
];
