import { eq, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { systemActor, type Actor } from "../audit/actor";
import { rows } from "../db/client";
import { orderLines } from "../db/schema/orders";
import { transaction } from "../db/transaction";
import { saveWebhookEndpoint } from "../integrations/settings";
import { deliverDueWebhooks } from "../integrations/webhooks/deliver";
import { answerDelayNotice, expireOverdueConsent, issueDelayNotices } from "../notifications/consent";
import { cancelLines } from "../orders/cancel";
import { setFulfillmentPreference } from "../orders/preference";
import { recordDelivery } from "../orders/ship";
import { swapLine } from "../orders/swap";
import { changeExpectedDate } from "../supply/purchase-orders";
import { fileDatabase } from "../../testing/db";
import { createMerchant, createPo, createSku, placeOrder, receivePo, shipUnits } from "../../testing/fixtures";
import { fileWebhookReceiver } from "../../testing/file-receiver";
import { envelopeSchema, publicEventTypes, type PublicEventType } from "./catalogue";

// Every event of the catalogue, caused by the real change that causes it, arrives at the shop's
// endpoints signed: each request is verified with the standardwebhooks library (not our signing
// code) and its body checked against the event's published schema. A second endpoint subscribed to
// two types gets exactly those.

const database = fileDatabase();
const receiver = fileWebhookReceiver();

const api: Actor = { type: "api", id: "key-1" };
const shopper: Actor = { type: "shopper", id: "maya@example.com" };
const agent: Actor = { type: "agent", id: "jo@support.example" };
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

describe("the event catalogue, delivered", () => {
  it("each event type is delivered, verifies with standardwebhooks, matches its schema, and follows each endpoint's subscription", async () => {
    const { db } = database;
    const now = () => new Date();
    const merchant = await createMerchant(db);
    /** Issues one delay notice for a line of `order`, as the ETA sweep would. */
    // A delay notice for an order's first (tent) line.
    const issueDelay = (
      order: { orderId: string; lines: { id: number }[] },
      email: string,
      delay: Omit<Parameters<typeof issueDelayNotices>[1]["delays"][number], "lineId" | "title">,
    ) =>
      transaction(db, (tx) =>
        issueDelayNotices(tx, {
          merchantId: merchant.id,
          orderId: order.orderId,
          email,
          now: now(),
          delays: [{ lineId: order.lines[0]!.id, title: "Product tent", ...delay }],
        }),
      );
    const all = await saveWebhookEndpoint(db, {
      merchantId: merchant.id,
      url: `${receiver.url}/all`,
      actor: systemActor("test"),
      now: now(),
    });
    const some = await saveWebhookEndpoint(db, {
      merchantId: merchant.id,
      url: `${receiver.url}/some`,
      add: true,
      eventTypes: ["shipment.delivered", "line.eta_changed"],
      actor: systemActor("test"),
      now: now(),
    });
    expect(some.endpointId).not.toBe(all.endpointId);
    expect(some.secret).not.toBe(all.secret);

    await createSku(db, merchant.id, { code: "TENT-2P", priceMinor: 24_900, productHandle: "tent" });
    await createSku(db, merchant.id, { code: "TENT-1P", priceMinor: 19_900, onHand: 5, productHandle: "tent" });
    await createSku(db, merchant.id, { code: "MUG", onHand: 10 });
    await createPo(db, merchant.id, "PO-1", inDays(10), [{ sku: "TENT-2P", quantity: 10 }], now());

    // order.backordered ×5 (one per order), with lines behind each other in the queue.
    const first = await placeOrder(db, merchant.id, "#1", [{ sku: "TENT-2P", quantity: 1 }], now());
    const second = await placeOrder(db, merchant.id, "#2", { "TENT-2P": 1, MUG: 1 }, now());
    const third = await placeOrder(db, merchant.id, "#3", [{ sku: "TENT-2P", quantity: 1 }], now());
    const fourth = await placeOrder(db, merchant.id, "#4", [{ sku: "TENT-2P", quantity: 1 }], now());
    const fifth = await placeOrder(db, merchant.id, "#5", [{ sku: "TENT-2P", quantity: 1 }], now());

    // line.eta_changed: the supplier's date moves, with its note.
    await changeExpectedDate(db, {
      merchantId: merchant.id,
      reference: "PO-1",
      expectedDate: inDays(20),
      note: "Port congestion",
      actor: api,
      now: now(),
    });
    // order_line.cancelled, order_line.swapped, order.shipping_preference_changed
    await cancelLines(db, {
      merchantId: merchant.id,
      orderId: first.orderId,
      lineIds: [first.lines[0]!.id],
      actor: shopper,
      now: now(),
      reason: "Found it elsewhere",
    });
    const [onePerson] = await rows<{ id: string }>(
      db,
      sql`select id from skus where merchant_id = ${merchant.id}::uuid and code = 'TENT-1P'`,
    );
    await swapLine(db, {
      merchantId: merchant.id,
      orderId: third.orderId,
      lineId: third.lines[0]!.id,
      toSkuId: onePerson!.id,
      actor: agent,
      now: now(),
    });
    await setFulfillmentPreference(db, {
      merchantId: merchant.id,
      orderId: second.orderId,
      preference: "ship_together",
      actor: shopper,
      now: now(),
    });

    // delay_notice.sent, then delay_notice.answered (keep waiting).
    const fourthLine = fourth.lines[0]!.id;
    await issueDelay(fourth, "n4@shopper.example", {
      kind: "first",
      consentNeeded: false,
      promisedShipEnd: inDays(15),
      newShipStart: inDays(21),
      newShipEnd: inDays(25),
      deadline: null,
      next: { consentState: "notified", promisedShipEnd: inDays(25), consentDeadline: null },
    });
    const [notice] = await rows<{ id: number }>(
      db,
      sql`select id from delay_notices where order_line_id = ${fourthLine}`,
    );
    await answerDelayNotice(db, { noticeId: Number(notice!.id), answer: "keep_waiting", now: now() });

    // order_line.delay_consent_expired (and delay_notice.answered: expired).
    const fifthLine = fifth.lines[0]!.id;
    await issueDelay(fifth, "n5@shopper.example", {
      kind: "renewed",
      consentNeeded: true,
      promisedShipEnd: inDays(15),
      newShipStart: null,
      newShipEnd: null,
      deadline: new Date(Date.now() - 60_000),
      next: {
        consentState: "awaiting",
        promisedShipEnd: inDays(15),
        consentDeadline: new Date(Date.now() - 60_000),
      },
    });
    expect(await expireOverdueConsent(db, { now: now() })).toBe(1);

    // line.ready, shipment.created, shipment.delivered
    await receivePo(db, merchant.id, "PO-1", { "TENT-2P": 10 }, now(), api);
    const parcel = { externalId: "ship-2", carrier: "UPS", trackingNumber: "1Z999" };
    await shipUnits(db, merchant.id, "#2", { "TENT-2P": 1, MUG: 1 }, now(), parcel, api);
    const delivered = await recordDelivery(db, {
      merchantId: merchant.id,
      externalId: "ship-2",
      actor: api,
      now: now(),
    });
    expect(delivered.alreadyDelivered).toBe(false);
    expect(
      (await recordDelivery(db, { merchantId: merchant.id, externalId: "ship-2", actor: api, now: now() }))
        .alreadyDelivered,
    ).toBe(true);

    while ((await deliverDueWebhooks(db, { random: () => 0.5 })).claimed > 0);

    const received = (path: string, secret: string) =>
      receiver.received
        .filter((r) => r.path === path)
        .map((r) => {
          const event = new Webhook(secret).verify(r.body, r.headers) as { id: string; type: PublicEventType };
          const parsed = envelopeSchema(event.type).safeParse(event);
          expect(parsed.success, `${event.type}: ${parsed.error?.message}`).toBe(true);
          // Nothing beyond the schema: zod drops unknown keys, so the parse must give the event back whole.
          expect(parsed.data).toEqual(event);
          return event;
        });
    const toAll = received("/webhooks/all", all.secret!);
    const toSome = received("/webhooks/some", some.secret!);

    expect(new Set(toAll.map((e) => e.type))).toEqual(new Set(publicEventTypes));
    expect(new Set(toSome.map((e) => e.type))).toEqual(new Set(["shipment.delivered", "line.eta_changed"]));
    expect(toSome.length).toBe(
      toAll.filter((e) => e.type === "shipment.delivered" || e.type === "line.eta_changed").length,
    );
    // One event, one id, whichever endpoint it reaches; never two deliveries of it to one endpoint.
    expect(new Set(toAll.map((e) => e.id)).size).toBe(toAll.length);
    const delayed = toAll.find((e) => e.type === "line.eta_changed") as unknown as {
      data: { reason: string; purchaseOrder: { reference: string; note: string | null }; changedBy: string };
    };
    expect(delayed.data).toMatchObject({
      reason: "po_delayed",
      purchaseOrder: { reference: "PO-1", note: "Port congestion" },
      changedBy: "shop",
    });
    const answers = toAll
      .filter((e) => e.type === "delay_notice.answered")
      .map((e) => (e as unknown as { data: { answer: string } }).data.answer);
    expect(answers.sort()).toEqual(["expired", "keep_waiting"]);
    const [fifthRow] = await db.select().from(orderLines).where(eq(orderLines.id, fifthLine));
    expect(fifthRow!.status).toBe("cancelled");
  });
});
