import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { systemActor, type Actor } from "../../audit/actor";
import { rows } from "../../db/client";
import { webhookDeliveries, webhookEndpoints } from "../../db/schema/integrations";
import { orderLines } from "../../db/schema/orders";
import { transaction } from "../../db/transaction";
import { expireOverdueConsent } from "../../notifications/consent";
import { cancelLines } from "../../orders/cancel";
import { setFulfillmentPreference } from "../../orders/preference";
import { swapLine } from "../../orders/swap";
import { useFreshDatabase, type TestDatabase } from "../../../testing/db";
import { createMerchant, createSku, placeOrder } from "../../../testing/fixtures";
import { startWebhookReceiver, type WebhookReceiver } from "../../../testing/webhook-receiver";
import { resendDelivery, rotateWebhookSecret, saveWebhookEndpoint } from "../settings";
import { startIntegrationLoops } from "../worker";
import { deliverDueWebhooks, retryAfterSeconds } from "./deliver";
import { sign } from "./signing";

// Our outgoing webhooks, checked the way a merchant's receiver checks them: with the
// `standardwebhooks` library (not our own signing code), against a local HTTP receiver.

let database: TestDatabase;
let receiver: WebhookReceiver;
let counter = 0;
const shopper: Actor = { type: "shopper", id: "maya@example.com" };
const agent: Actor = { type: "agent", id: "jo@support.example" };

beforeAll(async () => {
  database = await useFreshDatabase();
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  receiver.received.length = 0;
  receiver.setFallback({ status: 200 });
  // Claims span merchants: what a test left queued must not reach the next test's receiver.
  await database.db.execute(
    sql`update webhook_deliveries set status = 'failed' where status in ('pending', 'delivering')`,
  );
});
afterAll(async () => {
  await receiver?.close();
  await database?.close();
});

/** A merchant with an endpoint at the receiver, a waiting order, and its secret. */
async function shopWithOrder(options: { url?: string } = {}) {
  const { db } = database;
  counter++;
  const merchant = await createMerchant(db);
  await createSku(db, merchant.id, { code: "TENT-2P", priceMinor: 24_900, productHandle: "tent" });
  await createSku(db, merchant.id, { code: "TENT-1P", priceMinor: 19_900, onHand: 5, productHandle: "tent" });
  const now = new Date();
  const order = await placeOrder(
    db,
    merchant.id,
    `#${5000 + counter}`,
    [{ sku: "TENT-2P", quantity: 2 }],
    now,
    "maya@example.com",
  );
  const endpoint = await saveWebhookEndpoint(db, {
    merchantId: merchant.id,
    url: options.url ?? receiver.url,
    actor: systemActor("test"),
    now,
  });
  const lineId = order.lines[0]!.id;
  /** The shopper (or `actor`) cancels the waiting line, now. */
  const cancel = (actor: Actor = shopper, reason?: string) =>
    cancelLines(db, {
      merchantId: merchant.id,
      orderId: order.orderId,
      lineIds: [lineId],
      actor,
      now: new Date(),
      reason,
    });
  return { merchant, order, secret: endpoint.secret!, endpointId: endpoint.endpointId, lineId, cancel };
}

/** A later event for the merchant: a new order whose shopper chooses to have it shipped together. */
async function laterEvent(merchantId: string, number: string) {
  const other = await placeOrder(database.db, merchantId, number, [{ sku: "TENT-2P", quantity: 1 }], new Date());
  await setFulfillmentPreference(database.db, {
    merchantId,
    orderId: other.orderId,
    preference: "ship_together",
    actor: shopper,
    now: new Date(),
  });
}

const deliveriesOf = (merchantId: string) =>
  database.db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.merchantId, merchantId))
    .orderBy(webhookDeliveries.createdAt);
const verify = (secret: string, request: { body: string; headers: Record<string, string> }) =>
  new Webhook(secret).verify(request.body, request.headers);
const quietly = { random: () => 0.5 };

describe("outgoing webhooks (Standard Webhooks)", () => {
  it("a shopper's cancel is written in its transaction and arrives signed; the library verifies it and refuses a tampered body", async () => {
    const { merchant, order, secret, lineId, cancel } = await shopWithOrder();
    await cancel(shopper, "Found it elsewhere");
    const [delivery] = await deliveriesOf(merchant.id);
    expect(delivery).toMatchObject({ eventType: "order_line.cancelled", status: "pending", attempts: 0 });
    expect(delivery!.id).toMatch(/^msg_[0-9a-f]{32}$/);

    expect(await deliverDueWebhooks(database.db, quietly)).toMatchObject({ claimed: 1, delivered: 1 });
    const [request] = await receiver.waitFor(1);
    expect(request!.headers["webhook-id"]).toBe(delivery!.id);
    expect(request!.headers["content-type"]).toBe("application/json");
    const event = verify(secret, request!) as { type: string; timestamp: string; data: Record<string, unknown> };
    expect(event).toEqual({
      id: expect.stringMatching(/^evt_[0-9a-f]{32}$/),
      type: "order_line.cancelled",
      timestamp: expect.any(String),
      data: {
        merchant: merchant.slug,
        order: { id: order.orderId, number: order.number, externalId: null },
        line: { id: lineId, sku: "TENT-2P", title: "Product tent", unitPriceMinor: 24_900 },
        units: 2,
        cancelledBy: "shopper",
        source: "shopper",
        reason: "Found it elsewhere",
        refund: { amountMinor: 49_800, currency: "USD" },
      },
    });

    expect(() => verify(secret, { ...request!, body: request!.body.replace("49800", "99800") })).toThrow(
      WebhookVerificationError,
    );
    expect(() => verify(secret, { ...request!, headers: { ...request!.headers, "webhook-id": "msg_other" } })).toThrow(
      WebhookVerificationError,
    );
    expect(() => verify("whsec_" + Buffer.alloc(32, 7).toString("base64"), request!)).toThrow(WebhookVerificationError);
    const [row] = await deliveriesOf(merchant.id);
    expect(row).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 200 });
  });

  it("a change that rolls back leaves no delivery; a merchant without an enabled endpoint gets none", async () => {
    const { merchant, order, lineId, endpointId, cancel } = await shopWithOrder();
    await expect(
      transaction(database.db, async (tx) => {
        await cancelLines(tx, {
          merchantId: merchant.id,
          orderId: order.orderId,
          lineIds: [lineId],
          actor: shopper,
          now: new Date(),
        });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await deliveriesOf(merchant.id)).toEqual([]);
    await database.db.update(webhookEndpoints).set({ enabled: false }).where(eq(webhookEndpoints.id, endpointId));
    await cancel();
    expect(await deliveriesOf(merchant.id)).toEqual([]);
  });

  it("swaps, consent expiries and shipping choices carry who acted and the money", async () => {
    const { merchant, order, secret, lineId } = await shopWithOrder();
    const [oneP] = await rows<{ id: string }>(
      database.db,
      sql`select id from skus where merchant_id = ${merchant.id}::uuid and code = 'TENT-1P'`,
    );
    const swap = await swapLine(database.db, {
      merchantId: merchant.id,
      orderId: order.orderId,
      lineId,
      toSkuId: oneP!.id,
      actor: agent,
      now: new Date(),
    });
    await setFulfillmentPreference(database.db, {
      merchantId: merchant.id,
      orderId: order.orderId,
      preference: "ship_together",
      actor: shopper,
      now: new Date(),
    });

    const second = await placeOrder(
      database.db,
      merchant.id,
      `#${5900 + counter}`,
      [{ sku: "TENT-2P", quantity: 1 }],
      new Date(),
      "sam@example.com",
    );
    await database.db
      .update(orderLines)
      .set({ consentState: "awaiting", consentDeadline: new Date(Date.now() - 60_000) })
      .where(eq(orderLines.id, second.lines[0]!.id));
    expect(await expireOverdueConsent(database.db, { now: new Date() })).toBe(1);

    // One delivery per endpoint at a time, in order.
    while ((await deliverDueWebhooks(database.db, quietly)).claimed > 0);
    const events = receiver.received.map((r) => verify(secret, r) as { type: string; data: Record<string, unknown> });
    const byType = Object.fromEntries(events.map((e) => [e.type, e.data]));
    expect(Object.keys(byType).sort()).toEqual([
      "order.backordered",
      "order.shipping_preference_changed",
      "order_line.delay_consent_expired",
      "order_line.swapped",
    ]);
    expect(byType["order_line.swapped"]).toEqual({
      merchant: merchant.slug,
      order: { id: order.orderId, number: order.number, externalId: null },
      line: { id: lineId, sku: "TENT-2P", title: "Product tent", unitPriceMinor: 24_900 },
      newLine: { id: swap.newLineId, sku: "TENT-1P", title: "Product tent", unitPriceMinor: 19_900 },
      units: 2,
      swappedBy: "agent",
      source: "agent",
      priceDifference: { amountMinor: -10_000, currency: "USD" },
      refund: { amountMinor: 10_000, currency: "USD" },
    });
    expect(byType["order.shipping_preference_changed"]).toMatchObject({
      from: "ship_available",
      to: "ship_together",
      changedBy: "shopper",
    });
    expect(byType["order_line.delay_consent_expired"]).toMatchObject({
      order: { number: second.number },
      line: { id: second.lines[0]!.id, sku: "TENT-2P" },
      units: 1,
      cancelledBy: "system",
      refund: { amountMinor: 24_900, currency: "USD" },
    });
  });

  it("a receiver answering 500 twice then 200 gets the event three times with the same webhook-id, on the back-off schedule", async () => {
    const { merchant, secret, cancel } = await shopWithOrder();
    await cancel(agent);
    receiver.answerNext({ status: 500 }, { status: 500 }, { status: 200 });
    const t0 = Date.now();
    const at = (seconds: number) => ({ ...quietly, now: new Date(t0 + seconds * 1000) });

    expect(await deliverDueWebhooks(database.db, at(0))).toMatchObject({ claimed: 1, retrying: 1 });
    // Not due again before its first back-off (5 s)…
    expect(await deliverDueWebhooks(database.db, at(4))).toMatchObject({ claimed: 0 });
    expect(await deliverDueWebhooks(database.db, at(6))).toMatchObject({ claimed: 1, retrying: 1 });
    // …nor before its second (5 minutes).
    expect(await deliverDueWebhooks(database.db, at(200))).toMatchObject({ claimed: 0 });
    expect(await deliverDueWebhooks(database.db, at(310))).toMatchObject({ claimed: 1, delivered: 1 });

    const requests = await receiver.waitFor(3);
    expect(requests.map((r) => r.answeredWith)).toEqual([500, 500, 200]);
    const [delivery] = await deliveriesOf(merchant.id);
    expect(new Set(requests.map((r) => r.headers["webhook-id"]))).toEqual(new Set([delivery!.id]));
    for (const request of requests)
      expect(verify(secret, request)).toMatchObject({ type: "order_line.cancelled", data: { cancelledBy: "agent" } });
    expect(delivery).toMatchObject({ status: "delivered", attempts: 3, lastStatusCode: 200, lastError: null });
  });

  it("the worker retries by itself: 500, 500, 200 arrive as three attempts of one webhook-id", async () => {
    const { merchant, secret, cancel } = await shopWithOrder();
    receiver.answerNext({ status: 500 }, { status: 500 });
    const loops = startIntegrationLoops({
      db: database.db,
      pollMs: 20,
      log: (m) => {
        throw new Error(m);
      },
      delivery: { retrySchedule: [0.05, 0.05], ...quietly },
    });
    try {
      await cancel();
      const requests = await receiver.waitFor(3);
      expect(requests.map((r) => r.answeredWith)).toEqual([500, 500, 200]);
      expect(new Set(requests.map((r) => r.headers["webhook-id"])).size).toBe(1);
      for (const request of requests) verify(secret, request);
    } finally {
      await loops.stop();
    }
    const [delivery] = await deliveriesOf(merchant.id);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 3 });
  });

  it("honours Retry-After instead of its own schedule", async () => {
    const { merchant, cancel } = await shopWithOrder();
    await cancel();
    receiver.answerNext({ status: 429, retryAfter: 120 });
    const now = new Date();
    await deliverDueWebhooks(database.db, { ...quietly, now });
    const [delivery] = await deliveriesOf(merchant.id);
    expect(delivery).toMatchObject({ status: "pending", lastStatusCode: 429, lastError: "HTTP 429: status 429" });
    expect(delivery!.nextAttemptAt.getTime() - now.getTime()).toBe(120_000);
    const wholeSecond = Math.floor(now.getTime() / 1000) * 1000;
    expect(retryAfterSeconds(new Date(wholeSecond + 30_000).toUTCString(), wholeSecond)).toBe(30);
    expect(retryAfterSeconds("soon", now.getTime())).toBeNull();
  });

  it("a 410 disables the endpoint, says why, and nothing more is sent to it", async () => {
    const { merchant, endpointId, cancel } = await shopWithOrder();
    await cancel();
    receiver.answerNext({ status: 410 });
    expect(await deliverDueWebhooks(database.db, quietly)).toMatchObject({ claimed: 1, disabled: 1 });
    const [endpoint] = await database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
    expect(endpoint).toMatchObject({
      enabled: false,
      disabledReason: expect.stringMatching(/^The receiver answered 410 Gone on /),
    });
    const [delivery] = await deliveriesOf(merchant.id);
    expect(delivery).toMatchObject({ status: "failed", lastStatusCode: 410 });
    const [audit] = await rows(
      database.db,
      sql`select actor_type, action from audit_log where merchant_id = ${merchant.id}::uuid and action = 'webhook_endpoint.disabled'`,
    );
    expect(audit).toEqual({ actor_type: "system", action: "webhook_endpoint.disabled" });

    // A later event for this merchant is not queued, and nothing is sent.
    await laterEvent(merchant.id, `#${6000 + counter}`);
    expect(await deliveriesOf(merchant.id)).toHaveLength(1);
    receiver.received.length = 0;
    await deliverDueWebhooks(database.db, quietly);
    expect(receiver.received).toEqual([]);
  });

  it("a receiver that hangs times out without holding up another merchant's events", async () => {
    const hanging = await startWebhookReceiver();
    hanging.setFallback({ hang: true });
    try {
      const slow = await shopWithOrder({ url: hanging.url });
      const fast = await shopWithOrder();
      const loops = startIntegrationLoops({
        db: database.db,
        pollMs: 20,
        log: (m) => {
          throw new Error(m);
        },
        delivery: { timeoutMs: 1500, ...quietly },
      });
      try {
        await slow.cancel();
        await hanging.waitFor(1);
        const started = Date.now();
        await fast.cancel();
        await receiver.waitFor(1);
        // Delivered while the other request still hangs.
        expect(Date.now() - started).toBeLessThan(1000);
        const until = Date.now() + 5000;
        while ((await deliveriesOf(slow.merchant.id))[0]!.status !== "pending" && Date.now() < until)
          await new Promise((r) => setTimeout(r, 50));
      } finally {
        await loops.stop();
      }
      const [timedOut] = await deliveriesOf(slow.merchant.id);
      expect(timedOut).toMatchObject({
        status: "pending",
        attempts: 1,
        lastStatusCode: null,
        lastError: "No answer within 1.5 s",
      });
      expect((await deliveriesOf(fast.merchant.id))[0]).toMatchObject({ status: "delivered" });
    } finally {
      await hanging.close();
    }
  });

  it("gives up when the schedule runs out, and an agent's resend sends the same webhook-id again", async () => {
    const { merchant, secret, cancel } = await shopWithOrder();
    await cancel();
    receiver.setFallback({ status: 503 });
    const t0 = Date.now();
    await deliverDueWebhooks(database.db, { ...quietly, retrySchedule: [1], now: new Date(t0) });
    expect(
      await deliverDueWebhooks(database.db, { ...quietly, retrySchedule: [1], now: new Date(t0 + 2000) }),
    ).toMatchObject({ failed: 1 });
    const [failed] = await deliveriesOf(merchant.id);
    expect(failed).toMatchObject({
      status: "failed",
      attempts: 2,
      lastError: "Gave up after 2 attempts. Last: HTTP 503: status 503",
    });

    receiver.setFallback({ status: 200 });
    await resendDelivery(database.db, {
      merchantId: merchant.id,
      deliveryId: failed!.id,
      actor: agent,
      now: new Date(),
    });
    expect(await deliverDueWebhooks(database.db, quietly)).toMatchObject({ delivered: 1 });
    expect(receiver.received.map((r) => r.headers["webhook-id"])).toEqual([failed!.id, failed!.id, failed!.id]);
    verify(secret, receiver.received[2]!);
    const [audit] = await rows(
      database.db,
      sql`select actor_id from audit_log where action = 'webhook.resent' and entity_id = ${failed!.id}`,
    );
    expect(audit).toEqual({ actor_id: agent.id });
  });

  it("during a secret rotation both secrets sign, so a receiver holding either one verifies", async () => {
    const { merchant, secret: oldSecret, cancel } = await shopWithOrder();
    const { secret: newSecret, previousValidUntil } = await rotateWebhookSecret(database.db, {
      merchantId: merchant.id,
      actor: systemActor("test"),
      now: new Date(),
    });
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    await cancel();
    await deliverDueWebhooks(database.db, quietly);
    const [request] = await receiver.waitFor(1);
    expect(request!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(verify(newSecret, request!)).toMatchObject({ type: "order_line.cancelled" });
    expect(verify(oldSecret, request!)).toMatchObject({ type: "order_line.cancelled" });

    // After the overlap only the new secret signs.
    receiver.received.length = 0;
    await database.db
      .update(webhookEndpoints)
      .set({ previousSecretExpiresAt: new Date(previousValidUntil.getTime() - 2 * 86_400_000) })
      .where(eq(webhookEndpoints.merchantId, merchant.id));
    await laterEvent(merchant.id, `#${6100 + counter}`);
    await deliverDueWebhooks(database.db, quietly);
    const [later] = await receiver.waitFor(1);
    expect(later!.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(() => verify(oldSecret, later!)).toThrow(WebhookVerificationError);
  });

  it("signs exactly as the specification's reference library does", () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const body = '{"test": 2432232314}';
    const at = new Date(1614265330 * 1000);
    expect(sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)).toBe(
      new Webhook(secret).sign("msg_p5jXN8AQM9LWM0D4loKWxJek", at, body),
    );
  });
});
