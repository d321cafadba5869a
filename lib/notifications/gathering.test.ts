import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { notifications } from "../db/schema/notifications";
import { resendTransport } from "../email/transports";
import { cancelLines } from "../orders/cancel";
import { recordShipment } from "../orders/ship";
import { changeExpectedDate, receivePurchaseOrder } from "../supply/purchase-orders";
import { useFreshDatabase, type TestDatabase } from "../testing/db";
import { apiActor, createMerchant, createPo, createSku, day, placeOrder } from "../testing/fixtures";
import { startResendStandIn, type ResendStandIn } from "../testing/resend-standin";
import { drainOutbox } from "./dispatch";
import { savePreferences, unsubscribeFromEtaUpdates } from "./preferences";

// The notification policies end to end: real domain changes, the outbox, the gathering window,
// the decision when it closes, and what reaches the stand-in for Resend.

let database: TestDatabase;
let standIn: ResendStandIn;
let transport: ReturnType<typeof resendTransport>;
const minutes = (at: Date, n: number) => new Date(at.getTime() + n * 60_000);

beforeAll(async () => {
  database = await useFreshDatabase();
  standIn = await startResendStandIn();
  transport = resendTransport({ apiKey: standIn.apiKey, baseUrl: standIn.url });
});
afterAll(async () => {
  await standIn.close();
  await database.close();
});
beforeEach(() => standIn.reset());

const drain = (now: Date) => drainOutbox(database.db, { transport, now, random: () => 0 });
const subjectsTo = (email: string) => standIn.deliveries.filter((d) => d.email.to.includes(email)).map((d) => d.email.subject);

/** A shop, a SKU waiting on a PO due Dec 1, and one order for it, whose intake email is already sent. */
async function waitingOrder(number: string, options: { threshold?: number; expected?: string } = {}) {
  const { db } = database;
  const m = await createMerchant(db, { timezone: "Europe/London", etaChangeThresholdDays: options.threshold ?? 2, gatherMinutes: 30 });
  await createSku(db, m.id, { code: "BOOT" });
  await createSku(db, m.id, { code: "STOVE" });
  await createPo(db, m.id, "PO-1", options.expected ?? "2026-12-01", [{ sku: "BOOT", quantity: 5 }], day(0));
  const order = await placeOrder(db, m.id, number, [{ sku: "BOOT", quantity: 1 }], day(1));
  const email = `${number.replace("#", "n")}@shopper.example`;
  await drain(day(1));
  expect(subjectsTo(email)).toHaveLength(1);
  standIn.reset();
  const slip = (expectedDate: string, at: Date) => changeExpectedDate(db, { merchantId: m.id, reference: "PO-1", expectedDate, actor: apiActor, now: at });
  return { m, order, email, slip };
}

describe("ETA changes inside the gathering window", () => {
  it("five ETA changes inside the window give one email, from the first window to the last", async () => {
    const { order, email, slip } = await waitingOrder("#4001");
    const start = day(2);
    for (const [i, date] of ["2026-11-25", "2026-11-28", "2026-11-22", "2026-11-27", "2026-11-24"].entries()) {
      await slip(date, minutes(start, i * 5));
      await drain(minutes(start, i * 5 + 1));
    }
    expect(subjectsTo(email), "nothing while the window is open").toEqual([]);
    await drain(minutes(start, 30));
    expect(subjectsTo(email)).toEqual(["Order #4001: Product boot will ship sooner"]);
    const text = standIn.deliveries[0]!.email.text!;
    expect(text).toContain("Earlier by 7 days; we said Wed, Dec 2 – Sat, Dec 5 before.");
    const rowsOfOrder = await database.db.select().from(notifications).where(and(eq(notifications.orderId, order.orderId), eq(notifications.kind, "eta_moved")));
    expect(rowsOfOrder).toHaveLength(1);
    await drain(minutes(start, 120));
    expect(subjectsTo(email)).toHaveLength(1);
  });

  it("a second line of the order joins the pending email with its own first window; a line already there keeps its first", async () => {
    const { db } = database;
    const m = await createMerchant(db, { timezone: "Europe/London", etaChangeThresholdDays: 2, gatherMinutes: 30 });
    await createSku(db, m.id, { code: "BOOT" });
    await createSku(db, m.id, { code: "STOVE" });
    await createPo(db, m.id, "PO-B", "2026-12-01", [{ sku: "BOOT", quantity: 5 }], day(0));
    await createPo(db, m.id, "PO-S", "2026-12-03", [{ sku: "STOVE", quantity: 5 }], day(0));
    const order = await placeOrder(db, m.id, "#4901", [{ sku: "BOOT", quantity: 1 }, { sku: "STOVE", quantity: 1 }], day(1));
    await drain(day(1));
    const slip = (reference: string, expectedDate: string, at: Date) => changeExpectedDate(db, { merchantId: m.id, reference, expectedDate, actor: apiActor, now: at });
    const pending = async () => {
      const found = await db.select().from(notifications).where(and(eq(notifications.orderId, order.orderId), eq(notifications.kind, "eta_moved")));
      expect(found).toHaveLength(1);
      return (found[0]!.payload as { lines: Record<string, { start: string; end: string }> }).lines;
    };
    const start = day(2);
    await slip("PO-B", "2026-12-08", start);
    const first = await pending();
    expect(Object.keys(first)).toHaveLength(1);
    await slip("PO-S", "2026-12-10", minutes(start, 5));
    const both = await pending();
    expect(Object.keys(both)).toHaveLength(2);
    const [bootLine] = Object.keys(first);
    expect(both[bootLine!]).toEqual(first[bootLine!]);
    await slip("PO-B", "2026-12-15", minutes(start, 10));
    expect(await pending()).toEqual(both);
  });

  it("a change below the threshold sends nothing", async () => {
    const { order, email, slip } = await waitingOrder("#4101", { threshold: 3 });
    await slip("2026-11-24", day(2));
    await drain(minutes(day(2), 30));
    expect(subjectsTo(email)).toEqual(["Order #4101: Product boot will ship sooner"]);
    standIn.reset();
    // Later by two days (the shop's threshold is three), still inside the first promise.
    await slip("2026-11-26", day(3));
    await drain(minutes(day(3), 30));
    // Earlier by one day.
    await slip("2026-11-25", day(4));
    await drain(minutes(day(4), 30));
    expect(subjectsTo(email)).toEqual([]);
    const decided = await database.db.select().from(notifications).where(and(eq(notifications.orderId, order.orderId), eq(notifications.status, "skipped")));
    expect(decided).toHaveLength(2);
  });

  it("a line that ships inside the window gets only the shipped email", async () => {
    const { m, email, slip } = await waitingOrder("#4201");
    await slip("2026-11-22", day(2));
    await receivePurchaseOrder(database.db, { merchantId: m.id, reference: "PO-1", input: { lines: [{ sku: "BOOT", quantity: 5 }] }, actor: apiActor, now: minutes(day(2), 5) });
    await recordShipment(database.db, {
      merchantId: m.id,
      input: { orderNumber: "#4201", carrier: "Royal Mail", trackingNumber: "RM123456789GB", lines: [{ sku: "BOOT", quantity: 1 }] },
      actor: apiActor,
      now: minutes(day(2), 10),
    });
    await drain(minutes(day(2), 11));
    await drain(minutes(day(2), 45));
    expect(subjectsTo(email)).toEqual(["Order #4201 has shipped"]);
  });
});

describe("preferences", () => {
  it("an unsubscribed shopper still gets shipped and confirmation emails, but no ETA updates", async () => {
    const { db } = database;
    const { m, order, email, slip } = await waitingOrder("#4301");
    await unsubscribeFromEtaUpdates(db, { email, now: day(2) });

    await slip("2026-11-22", day(2));
    await drain(minutes(day(2), 30));
    expect(subjectsTo(email), "no ETA update").toEqual([]);

    // A second line with no date gets one: that is a confirmation, always sent.
    await placeOrder(db, m.id, "#4301", [{ sku: "BOOT", quantity: 1 }, { sku: "STOVE", quantity: 1 }], day(3), email);
    await drain(day(3));
    standIn.reset();
    await createPo(db, m.id, "PO-2", "2026-12-10", [{ sku: "STOVE", quantity: 2 }], day(4));
    await drain(minutes(day(4), 30));
    expect(subjectsTo(email)).toEqual(["Order #4301: Product stove now has a ship date"]);

    standIn.reset();
    await cancelLines(db, { merchantId: m.id, orderId: order.orderId, lineIds: [order.lines[0]!.id], actor: { type: "shopper", id: email }, now: day(5) });
    await receivePurchaseOrder(db, { merchantId: m.id, reference: "PO-2", input: { lines: [{ sku: "STOVE", quantity: 2 }] }, actor: apiActor, now: day(6) });
    await recordShipment(db, { merchantId: m.id, input: { orderNumber: "#4301", lines: [{ sku: "STOVE", quantity: 1 }] }, actor: apiActor, now: day(7) });
    await drain(day(8));
    expect(subjectsTo(email).sort()).toEqual(["Order #4301 has shipped", "Order #4301: Product boot cancelled"]);
  });

  it("an order's own choice wins over the choice for all orders", async () => {
    const { db } = database;
    const { order, email, slip } = await waitingOrder("#4401");
    await savePreferences(db, { email, allOrders: false, order: { id: order.orderId, choice: true }, now: day(2) });
    await slip("2026-11-22", day(2));
    await drain(minutes(day(2), 30));
    expect(subjectsTo(email)).toEqual(["Order #4401: Product boot will ship sooner"]);
  });
});
