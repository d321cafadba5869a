import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rows } from "../db/client";
import { transaction } from "../db/transaction";
import { saveWebhookEndpoint } from "../integrations/settings";
import { createMerchant, createSku, placeOrder } from "../../testing/fixtures";
import { fileDatabase } from "../../testing/db";
import { recordChange } from "./record";
import { changeSubscribers } from "./subscribers";
import { domainEventTypes, type DomainEvent, type DomainEventType } from "./types";

// Every event type a change can record reaches each subscriber that says it handles it (an email
// in the outbox, a delivery for the merchant's endpoint), and only those; a payload that does not
// match its type's schema is refused before anything is written.

const database = fileDatabase();

const now = new Date("2026-12-01T10:00:00Z");
const actor = { type: "shopper" as const, id: "maya@example.com" };

/** A payload of each type, as the change that records it writes it. */
function sampleEvent(
  type: DomainEventType,
  ids: { merchantId: string; orderId: string; lineId: number; otherLineId: number; shipmentId: string },
): DomainEvent {
  const line = { merchantId: ids.merchantId, orderId: ids.orderId, orderLineId: ids.lineId };
  switch (type) {
    case "line_backordered":
    case "line_preordered":
      return { ...line, type, payload: { sku: "EV-1", waiting: 1, acceptedOnDeny: false } };
    case "line_ready":
      return { ...line, type, payload: { units: 1 } };
    case "line_shipped":
      return {
        ...line,
        type,
        payload: {
          sku: "EV-1",
          units: 1,
          shipmentId: ids.shipmentId,
          carrier: "UPS",
          trackingNumber: "1Z999",
          trackingUrl: null,
        },
      };
    case "line_cancelled":
    case "delay_consent_expired":
      return { ...line, type, payload: { sku: "EV-1", units: 1, refundMinor: 2500, reason: null } };
    case "line_swapped":
      return {
        ...line,
        type,
        payload: { fromSku: "EV-1", toSku: "EV-2", newLineId: ids.otherLineId, units: 1, refundMinor: 0 },
      };
    case "fulfillment_preference_changed":
      return {
        merchantId: ids.merchantId,
        orderId: ids.orderId,
        type,
        payload: { from: "ship_available", to: "ship_together" },
      };
    case "delay_notice_sent":
      return {
        ...line,
        type,
        payload: {
          noticeId: 1,
          kind: "first",
          promisedShipEnd: "2026-12-10",
          newShipStart: "2026-12-14",
          newShipEnd: "2026-12-18",
          consentNeeded: false,
          deadline: null,
        },
      };
    case "delay_notice_answered":
      return { ...line, type, payload: { noticeId: 1, answer: "keep_waiting" } };
    case "shipment_delivered":
      return {
        merchantId: ids.merchantId,
        orderId: ids.orderId,
        type,
        payload: { shipmentId: ids.shipmentId, deliveredAt: now.toISOString() },
      };
  }
}

describe("recorded events", () => {
  it.each(domainEventTypes)("%s reaches exactly the subscribers that handle it", async (type) => {
    const merchant = await createMerchant(database.db);
    await saveWebhookEndpoint(database.db, {
      merchantId: merchant.id,
      url: "https://hooks.shop.example/in",
      actor,
      now,
    });
    await createSku(database.db, merchant.id, { code: "EV-1" });
    await createSku(database.db, merchant.id, { code: "EV-2", onHand: 5 });
    const order = await placeOrder(
      database.db,
      merchant.id,
      `#${type}`,
      [
        { sku: "EV-1", quantity: 1 },
        { sku: "EV-2", quantity: 1 },
      ],
      now,
    );
    const [waiting, other] = order.lines;
    const [shipment] = await rows<{ id: string }>(
      database.db,
      sql`insert into shipments (merchant_id, order_id, shipped_at) values (${merchant.id}, ${order.orderId}, now()) returning id`,
    );
    const counts = async () => {
      const [row] = await rows<{ events: number; emails: number; deliveries: number }>(
        database.db,
        sql`select (select count(*)::int from domain_events where order_id = ${order.orderId}::uuid) as events,
                   (select count(*)::int from notifications where order_id = ${order.orderId}::uuid) as emails,
                   (select count(*)::int from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
                     where e.merchant_id = ${merchant.id}::uuid) as deliveries`,
      );
      return row!;
    };
    const before = await counts();

    const event = sampleEvent(type, {
      merchantId: merchant.id,
      orderId: order.orderId,
      lineId: waiting!.id,
      otherLineId: other!.id,
      shipmentId: shipment!.id,
    });
    await transaction(database.db, (tx) => recordChange(tx, { actor, now, events: [event] }));

    const after = await counts();
    const handledBy = changeSubscribers.filter((s) => s.eventTypes.includes(type)).map((s) => s.name);
    expect(after.events - before.events).toBe(1);
    expect(after.emails - before.emails, "an email in the outbox").toBe(handledBy.includes("outbox") ? 1 : 0);
    expect(after.deliveries - before.deliveries, "a webhook delivery").toBe(
      handledBy.includes("published events") ? 1 : 0,
    );
  });

  it("every type is published to the merchant's systems", () => {
    const published = changeSubscribers.find((s) => s.name === "published events")!;
    expect(domainEventTypes.filter((t) => !published.eventTypes.includes(t))).toEqual([]);
  });

  it("refuses a payload that does not match its type, and writes nothing", async () => {
    const merchant = await createMerchant(database.db);
    await createSku(database.db, merchant.id, { code: "EV-1" });
    const order = await placeOrder(database.db, merchant.id, "#bad", [{ sku: "EV-1", quantity: 1 }], now);
    const malformed = {
      merchantId: merchant.id,
      orderId: order.orderId,
      orderLineId: order.lines[0]!.id,
      type: "line_cancelled",
      payload: { sku: "EV-1", units: -1, refundMinor: 0, reason: null },
    } as DomainEvent;
    await expect(
      transaction(database.db, (tx) => recordChange(tx, { actor, now, events: [malformed] })),
    ).rejects.toThrow(/line_cancelled has a malformed payload/);
    const [row] = await rows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from domain_events where order_id = ${order.orderId}::uuid and type = 'line_cancelled'`,
    );
    expect(row!.n).toBe(0);
  });
});

// Checked by `tsc` (npm test's first step): each of these is a compile error, so the directive
// above it is used; if the union stopped catching one, tsc would fail on the unused directive.
export function wrongPayloadsDoNotCompile(ids: { merchantId: string; orderId: string }) {
  const events: DomainEvent[] = [
    // @ts-expect-error a cancel carries units as a number
    { ...ids, orderLineId: 1, type: "line_cancelled", payload: { sku: "A", units: "2", refundMinor: 0, reason: null } },
    // @ts-expect-error a swap names the new line
    { ...ids, orderLineId: 1, type: "line_swapped", payload: { fromSku: "A", toSku: "B", units: 1, refundMinor: 0 } },
    // @ts-expect-error a line event needs its line
    { ...ids, type: "line_ready", payload: { units: 1 } },
    // @ts-expect-error a shipping choice is one of the two choices
    { ...ids, type: "fulfillment_preference_changed", payload: { from: "ship_available", to: "ship_sometime" } },
  ];
  return events;
}
