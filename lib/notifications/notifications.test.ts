import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { rows } from "../db/client";
import { type Merchant } from "../db/schema/merchants";
import { notifications } from "../db/schema/notifications";
import { orderLines } from "../db/schema/orders";
import { checkViewToken } from "../links/view-link";
import { cancelLines } from "../orders/cancel";
import { recordShipment } from "../orders/ship";
import { swapLine } from "../orders/swap";
import { setFulfillmentPreference } from "../orders/preference";
import { shipsPhrase } from "../dates";
import { changeExpectedDate } from "../supply/purchase-orders";
import { apiActor, createMerchant, createPo, createSku, day, placeOrder, type Units } from "../../testing/fixtures";
import { mailRig, minutes } from "../../testing/mail-harness";
import { type Delivery } from "../../testing/resend-standin";
import { readDelayToken, readPreferencesToken, readUnsubscribeToken } from "./links";

// Every kind of notice, sent over real HTTP to a stand-in for Resend's API: recipient, subject,
// branding, links; and how the worker treats 429, 500 and 422.

const rig = mailRig();
const { drain } = rig;
const mailTo = rig.deliveriesTo;
const seconds = (at: Date, n: number) => new Date(at.getTime() + n * 1000);

let shopCount = 0;
async function shop() {
  shopCount++;
  return createMerchant(rig.db, {
    name: `Northwind Outfitters ${shopCount}`,
    brandColor: "#1d4ed8",
    timezone: "America/New_York",
    supportEmail: `help${shopCount}@northwind.example`,
    etaChangeThresholdDays: 2,
    gatherMinutes: 30,
  });
}

/** What every order email carries: the right person, the shop's name and colour, and working links. */
async function expectOrderEmail(
  delivery: Delivery | undefined,
  expected: { to: string; orderId: string; merchantName: string; supportEmail: string },
) {
  expect(delivery, `an email to ${expected.to}`).toBeDefined();
  const { email } = delivery!;
  expect(email.to).toEqual([expected.to]);
  expect(email.from).toContain(expected.merchantName);
  expect(email.reply_to).toEqual(expected.supportEmail);
  expect(email.html).toContain(expected.merchantName);
  expect(email.html).toContain("#1d4ed8");
  expect(email.text).toContain(expected.merchantName);

  const links = [...email.html!.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replaceAll("&amp;", "&"));
  const view = links.find((l) => l.includes("/o/"));
  expect(view, "signed view link").toBeDefined();
  // Opened on the test calendar a day or so after it was sent, not on the wall clock: a closed
  // order's links expire 30 days after it closed, so the wall clock would fail this a month on.
  expect(await checkViewToken(rig.db, view!.split("/o/")[1]!, day(4))).toEqual({
    ok: true,
    orderId: expected.orderId,
  });
  expect(links).toContain(`http://localhost:3000/orders/${expected.orderId}`);
  const preferences = links.find((l) => l.includes("/preferences/"));
  expect(readPreferencesToken(preferences!.split("/preferences/")[1]!)).toEqual({
    email: expected.to,
    orderId: expected.orderId,
  });

  const unsubscribe = /^<(http:\/\/localhost:3000\/api\/unsubscribe\/([^>]+))>$/.exec(
    email.headers!["List-Unsubscribe"]!,
  );
  expect(unsubscribe).not.toBeNull();
  expect(readUnsubscribeToken(unsubscribe![2]!)).toEqual({ email: expected.to });
  expect(email.headers!["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
  return { email, links };
}

/** The one email the order's shopper has, with what every order email carries. */
async function theOrderEmail(m: Merchant, order: { orderId: string }, to: string) {
  const mail = mailTo(to);
  expect(mail).toHaveLength(1);
  return expectOrderEmail(mail[0], { to, orderId: order.orderId, merchantName: m.name, supportEmail: m.supportEmail });
}

/** An order placed on day 1 whose first email has gone, so the next email is the one a test is about. */
async function placedAndNotified(m: Merchant, number: string, units: Units) {
  const order = await placeOrder(rig.db, m.id, number, units, day(1));
  await drain(day(1));
  rig.standIn.reset();
  return order;
}

/** The supplier's new date for a PO, sent through the API. */
const redate = (m: Merchant, reference: string, expectedDate: string, now: Date) =>
  changeExpectedDate(rig.db, { merchantId: m.id, reference, expectedDate, actor: apiActor, now });

describe("every kind of notice reaches the stand-in", () => {
  it("backordered on intake: one email per order listing the waiting lines, their honest ETA and the options", async () => {
    const { db } = rig;
    const m = await shop();
    await createSku(db, m.id, { code: "JACKET" });
    await createSku(db, m.id, { code: "STOVE" });
    await createSku(db, m.id, { code: "SOCKS", onHand: 5 });
    await createPo(db, m.id, "PO-J", "2026-11-20", [{ sku: "JACKET", quantity: 10 }], day(0));
    const order = await placeOrder(db, m.id, "#2001", { JACKET: 1, STOVE: 1, SOCKS: 2 }, day(1));
    await drain(day(1));

    const { email, links } = await theOrderEmail(m, order, "n2001@shopper.example");
    expect(email.subject).toBe("Order #2001: Product jacket and Product stove waiting for stock, and when it ships");
    expect(email.text).toContain("Ships between Sat, Nov 21 and Tue, Nov 24");
    expect(email.text).toContain("The supplier has not confirmed a date yet; we will email you when they do.");
    expect(email.text).toContain("The rest of your order (Product socks) is in stock.");
    expect(email.text).toContain("swap to an in-stock alternative");
    expect(links.filter((l) => l.endsWith(`/orders/${order.orderId}`)).length).toBeGreaterThanOrEqual(1);
  });

  it("ETA confirmed (unknown → a date), after the gathering window", async () => {
    const { db } = rig;
    const m = await shop();
    await createSku(db, m.id, { code: "STOVE" });
    const order = await placedAndNotified(m, "#2101", [{ sku: "STOVE", quantity: 1 }]);

    await createPo(db, m.id, "PO-S", "2026-11-25", [{ sku: "STOVE", quantity: 5 }], day(2));
    await drain(minutes(day(2), 29));
    expect(mailTo("n2101@shopper.example"), "still gathering").toHaveLength(0);
    await drain(minutes(day(2), 30));
    const { email } = await theOrderEmail(m, order, "n2101@shopper.example");
    expect(email.subject).toBe("Order #2101: Product stove now has a ship date");
    expect(email.text).toContain("Now ships Thu, Nov 26 – Sun, Nov 29");
  });

  it("ETA moved earlier by two days or more, and later by the merchant's threshold (inside the first promise)", async () => {
    const { db } = rig;
    const m = await shop();
    await createSku(db, m.id, { code: "LAMP" });
    await createPo(db, m.id, "PO-L", "2026-11-30", [{ sku: "LAMP", quantity: 5 }], day(0));
    const order = await placedAndNotified(m, "#2201", [{ sku: "LAMP", quantity: 1 }]);

    await redate(m, "PO-L", "2026-11-23", day(2));
    await drain(minutes(day(2), 31));
    let { email } = await theOrderEmail(m, order, "n2201@shopper.example");
    expect(email.subject).toBe("Order #2201: Product lamp will ship sooner");
    expect(email.text).toContain("Earlier by 7 days");

    rig.standIn.reset();
    await redate(m, "PO-L", "2026-11-27", day(3));
    await drain(minutes(day(3), 31));
    ({ email } = await theOrderEmail(m, order, "n2201@shopper.example"));
    expect(email.subject).toBe("Order #2201: new ship date for Product lamp");
    expect(email.text).toContain("Later by 4 days");
  });

  it("shipped, with carrier, tracking and the time in the merchant's zone", async () => {
    const { db } = rig;
    const m = await shop();
    await createSku(db, m.id, { code: "SOCKS", onHand: 5 });
    await createSku(db, m.id, { code: "JACKET" });
    const order = await placedAndNotified(m, "#2301", { SOCKS: 2, JACKET: 1 });

    await recordShipment(db, {
      merchantId: m.id,
      input: {
        orderNumber: "#2301",
        carrier: "UPS",
        trackingNumber: "1Z999AA10123456784",
        trackingUrl: "https://www.ups.com/track?tracknum=1Z999AA10123456784",
        lines: [{ sku: "SOCKS", quantity: 2 }],
      },
      actor: apiActor,
      now: day(2),
    });
    await drain(day(2));
    const { email, links } = await theOrderEmail(m, order, "n2301@shopper.example");
    expect(email.subject).toBe("Part of order #2301 has shipped");
    expect(email.text).toContain("with UPS. The tracking number is 1Z999AA10123456784.");
    // 12:00 UTC is 7:00 in New York in November.
    expect(email.text).toContain("Nov 3, 7:00 AM EST");
    expect(links).toContain("https://www.ups.com/track?tracknum=1Z999AA10123456784");
    expect(email.text).toContain("Still waiting, and shipping separately");
  });

  it("cancelled, with the refund", async () => {
    const { db } = rig;
    const m = await shop();
    await createSku(db, m.id, { code: "STOVE", priceMinor: 8900 });
    const order = await placedAndNotified(m, "#2401", [{ sku: "STOVE", quantity: 1 }]);

    await cancelLines(db, {
      merchantId: m.id,
      orderId: order.orderId,
      actor: { type: "shopper", id: "n2401@shopper.example" },
      now: day(2),
    });
    await drain(day(2));
    const { email } = await theOrderEmail(m, order, "n2401@shopper.example");
    expect(email.subject).toBe("Order #2401: Product stove cancelled");
    expect(email.text).toContain("As you asked, we cancelled");
    expect(email.text).toContain("The shop refunds $89.00");
  });

  it("swapped, with the difference refunded", async () => {
    const { db } = rig;
    const m = await shop();
    await createSku(db, m.id, { code: "HL400", priceMinor: 6000, productHandle: "headlamp" });
    const alternative = await createSku(db, m.id, {
      code: "HL250",
      priceMinor: 4500,
      onHand: 3,
      productHandle: "headlamp",
    });
    const order = await placedAndNotified(m, "#2501", [{ sku: "HL400", quantity: 1 }]);

    await swapLine(db, {
      merchantId: m.id,
      orderId: order.orderId,
      lineId: order.lines[0]!.id,
      toSkuId: alternative.id,
      actor: { type: "shopper", id: "n2501@shopper.example" },
      now: day(2),
    });
    await drain(day(2));
    const { email } = await theOrderEmail(m, order, "n2501@shopper.example");
    expect(email.subject).toBe("Order #2501: swapped to Product headlamp");
    expect(email.text).toContain("the difference, $15.00");
  });

  it("swapped while everything ships together: the email says the item waits for the rest, and until when", async () => {
    const { db } = rig;
    const m = await shop();
    await createSku(db, m.id, { code: "HLX", priceMinor: 6000, productHandle: "headlamp-x" });
    const alternative = await createSku(db, m.id, { code: "HLY", onHand: 3, productHandle: "headlamp-x" });
    await createSku(db, m.id, { code: "JACKET-X" });
    await createPo(db, m.id, "PO-JX", "2026-12-09", [{ sku: "JACKET-X", quantity: 5 }], day(0));
    const order = await placedAndNotified(m, "#2502", [
      { sku: "HLX", quantity: 1 },
      { sku: "JACKET-X", quantity: 1 },
    ]);
    const shopper = { type: "shopper" as const, id: "n2502@shopper.example" };
    await setFulfillmentPreference(db, {
      merchantId: m.id,
      orderId: order.orderId,
      preference: "ship_together",
      actor: shopper,
      now: day(2),
    });
    await swapLine(db, {
      merchantId: m.id,
      orderId: order.orderId,
      lineId: order.lines[0]!.id,
      toSkuId: alternative.id,
      actor: shopper,
      now: day(2),
    });
    await drain(day(2));
    const { email } = await theOrderEmail(m, order, "n2502@shopper.example");
    const [jacket] = await db.select().from(orderLines).where(eq(orderLines.id, order.lines[1]!.id));
    expect(email.text).toContain(
      `In stock, and held to ship with the rest of your order, as you chose. ${shipsPhrase(jacket!.shipStart!, jacket!.shipEnd!)}`,
    );
    expect(email.text).not.toContain("ships with the next parcel");
  });

  it("delay notices: a first delay with the new date and a one-click cancel, then a renewed one asking to keep waiting", async () => {
    const { db } = rig;
    const m = await shop();
    await createSku(db, m.id, { code: "TENT" });
    await createPo(db, m.id, "PO-T", "2026-11-20", [{ sku: "TENT", quantity: 5 }], day(0));
    const order = await placedAndNotified(m, "#2601", [{ sku: "TENT", quantity: 1 }]);

    await redate(m, "PO-T", "2026-11-30", day(2));
    await drain(minutes(day(2), 31));
    let { email, links } = await theOrderEmail(m, order, "n2601@shopper.example");
    expect(email.subject).toBe("Order #2601: Product tent is delayed");
    expect(email.text).toContain("We said it would ship by Tue, Nov 24.");
    expect(email.text).toContain("New date: ships Tue, Dec 1 – Fri, Dec 4.");
    expect(email.text).toContain("you do not need to do anything");
    const cancelLink = links.find((l) => l.includes("/delay/") && l.endsWith("?choice=cancel"))!;
    const notice = readDelayToken(cancelLink.split("/delay/")[1]!.split("?")[0]!);
    expect(notice).not.toBeNull();

    rig.standIn.reset();
    await redate(m, "PO-T", "2026-12-10", day(3));
    await drain(minutes(day(3), 31));
    ({ email, links } = await theOrderEmail(m, order, "n2601@shopper.example"));
    expect(email.subject).toBe("Action needed: keep waiting for Product tent? (order #2601)");
    expect(email.text).toContain("We said it would ship by Fri, Dec 4.");
    // The deadline is the end of the promised day, in New York.
    expect(email.text).toContain("Please choose by Fri, Dec 4, 11:59 PM EST");
    expect(links.some((l) => l.includes("/delay/") && l.endsWith("?choice=keep"))).toBe(true);
  });
});

describe("sending through Resend", () => {
  async function pendingOrder(number: string) {
    const { db } = rig;
    const m = await shop();
    await createSku(db, m.id, { code: "CUP" });
    const order = await placeOrder(db, m.id, number, [{ sku: "CUP", quantity: 1 }], day(1));
    const [n] = await db.select().from(notifications).where(eq(notifications.orderId, order.orderId));
    return n!;
  }
  const statusOf = async (id: string) =>
    (await rig.db.select().from(notifications).where(eq(notifications.id, id)))[0]!;

  it("several due notifications go in one call to the batch endpoint, the batch id as Idempotency-Key", async () => {
    const ids = [await pendingOrder("#3001"), await pendingOrder("#3002"), await pendingOrder("#3003")].map(
      (n) => n.id,
    );
    await drain(day(1));
    expect(rig.standIn.requests).toHaveLength(1);
    expect(rig.standIn.requests[0]).toMatchObject({ path: "/emails/batch", emails: 3, status: 200 });
    const sent = await Promise.all(ids.map(statusOf));
    expect(new Set(sent.map((n) => n.batchId))).toEqual(new Set([rig.standIn.requests[0]!.idempotencyKey]));
    expect(sent.every((n) => n.status === "sent" && n.providerMessageId)).toBe(true);
  });

  it("a 429 is retried after its retry-after, not before", async () => {
    const n = await pendingOrder("#3101");
    rig.standIn.failNext(1, { status: 429, name: "rate_limit_exceeded", message: "Too many requests", retryAfter: 7 });
    const first = await drain(day(1));
    expect(first.pauseSeconds).toBe(7);
    expect(await statusOf(n.id)).toMatchObject({
      status: "sending",
      lastError: "429 rate_limit_exceeded: Too many requests",
    });
    await drain(seconds(day(1), 6));
    expect(rig.standIn.requests).toHaveLength(1);
    await drain(seconds(day(1), 7));
    expect(rig.standIn.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(rig.standIn.requests[1]!.idempotencyKey).toBe(rig.standIn.requests[0]!.idempotencyKey);
    expect(await statusOf(n.id)).toMatchObject({ status: "sent", attempts: 2, lastError: null });
  });

  it("a 500 is retried with back-off under the same key", async () => {
    const n = await pendingOrder("#3201");
    rig.standIn.failNext(2, { status: 500, name: "internal_server_error", message: "Oops" });
    await drain(day(1));
    await drain(seconds(day(1), 29));
    expect(rig.standIn.requests).toHaveLength(1);
    await drain(seconds(day(1), 30));
    // The second failure doubles the wait.
    await drain(seconds(day(1), 30 + 59));
    expect(rig.standIn.requests).toHaveLength(2);
    await drain(seconds(day(1), 30 + 60));
    expect(rig.standIn.requests.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(new Set(rig.standIn.requests.map((r) => r.idempotencyKey)).size).toBe(1);
    expect(await statusOf(n.id)).toMatchObject({ status: "sent", attempts: 3 });
    expect(mailTo("n3201@shopper.example")).toHaveLength(1);
  });

  it("a notification that keeps failing is marked failed with the provider's answer", async () => {
    const n = await pendingOrder("#3301");
    rig.standIn.failNext(8, { status: 503, name: "application_error", message: "Service unavailable" });
    let at = day(1);
    for (let i = 0; i < 8; i++) {
      await drain(at);
      at = seconds(at, 3600);
    }
    expect(rig.standIn.requests).toHaveLength(8);
    expect(await statusOf(n.id)).toMatchObject({
      status: "failed",
      attempts: 8,
      lastError: "503 application_error: Service unavailable",
    });
    await drain(seconds(at, 86_400));
    expect(rig.standIn.requests).toHaveLength(8);
  });

  it("a 422 is not retried", async () => {
    const n = await pendingOrder("#3401");
    rig.standIn.failNext(1, { status: 422, name: "validation_error", message: "Invalid `to` field." });
    await drain(day(1));
    await drain(seconds(day(1), 7200));
    expect(rig.standIn.requests).toHaveLength(1);
    expect(await statusOf(n.id)).toMatchObject({
      status: "failed",
      attempts: 1,
      lastError: "422 validation_error: Invalid `to` field.",
    });
  });

  it("a 409 for a key already used with other content counts as sent, never as a reason to send again", async () => {
    const n = await pendingOrder("#3451");
    rig.standIn.failNext(1, {
      status: 409,
      name: "invalid_idempotent_request",
      message: "Same idempotency key used with a different request payload.",
    });
    await drain(day(1));
    await drain(seconds(day(1), 7200));
    expect(rig.standIn.requests).toHaveLength(1);
    expect(await statusOf(n.id)).toMatchObject({ status: "sent", providerMessageId: null });
  });

  it("a daily quota 429 is not retried either", async () => {
    const n = await pendingOrder("#3501");
    rig.standIn.failNext(1, {
      status: 429,
      name: "daily_quota_exceeded",
      message: "You have reached your daily email sending quota.",
    });
    await drain(day(1));
    await drain(seconds(day(1), 7200));
    expect(rig.standIn.requests).toHaveLength(1);
    expect(await statusOf(n.id)).toMatchObject({ status: "failed" });
  });

  it("one bad address in a batch fails alone: the batch is split and the others are delivered", async () => {
    const good = [await pendingOrder("#3601"), await pendingOrder("#3602")];
    const bad = await pendingOrder("#3603");
    await rig.db.update(notifications).set({ email: "not-an-address" }).where(eq(notifications.id, bad.id));
    await drain(day(1));
    const [batch, ...singles] = rig.standIn.requests;
    expect(batch).toMatchObject({ path: "/emails/batch", status: 422, emails: 3 });
    expect(singles.map((r) => [r.path, r.status]).sort()).toEqual([
      ["/emails", 200],
      ["/emails", 200],
      ["/emails", 422],
    ]);
    for (const n of good) expect(await statusOf(n.id)).toMatchObject({ status: "sent" });
    expect(await statusOf(bad.id)).toMatchObject({
      status: "failed",
      lastError: "422 validation_error: Invalid `to` field.",
    });
  });
});

describe("the outbox is written in the change's transaction", () => {
  it("a change that rolls back leaves no notification", async () => {
    const { db } = rig;
    const m = await shop();
    await createSku(db, m.id, { code: "MUG" });
    const before = await rows<{ count: number }>(db, sql`select count(*)::int as count from notifications`);
    await expect(
      db.transaction(async (tx) => {
        await placeOrder(tx, m.id, "#3901", [{ sku: "MUG", quantity: 1 }], day(1));
        const [line] = await tx.select().from(orderLines).where(eq(orderLines.merchantId, m.id));
        expect(line).toBeDefined();
        expect(
          (await rows<{ count: number }>(tx, sql`select count(*)::int as count from notifications`))[0]!.count,
        ).toBe(Number(before[0]!.count) + 1);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await rows<{ count: number }>(db, sql`select count(*)::int as count from notifications`)).toEqual(before);
  });
});
