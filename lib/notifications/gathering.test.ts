import { describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { rows } from "../db/client";
import { etaGatherings, notifications } from "../db/schema/notifications";
import { cancelLines } from "../orders/cancel";
import { recordShipment } from "../orders/ship";
import { changeExpectedDate } from "../supply/purchase-orders";
import {
  apiActor,
  createMerchant,
  createPo,
  createSku,
  day,
  placeOrder,
  receivePo,
  shipUnits,
} from "../../testing/fixtures";
import { mailRig, minutes } from "../../testing/mail-harness";
import { claimBatch } from "./dispatch";
import { gatherQueued } from "./outbox";
import { savePreferences, unsubscribeFromEtaUpdates } from "./preferences";

// The notification policies end to end: real domain changes, the outbox, the gathering window,
// the decision when it closes, and what reaches the stand-in for Resend.

const rig = mailRig();
const { drain, subjectsTo } = rig;

/** A shop, a SKU waiting on a PO due Dec 1, and one order for it, whose intake email is already sent. */
async function waitingOrder(number: string, options: { threshold?: number; expected?: string } = {}) {
  const { db } = rig;
  const m = await createMerchant(db, {
    timezone: "Europe/London",
    etaChangeThresholdDays: options.threshold ?? 2,
    gatherMinutes: 30,
  });
  await createSku(db, m.id, { code: "BOOT" });
  await createSku(db, m.id, { code: "STOVE" });
  await createPo(db, m.id, "PO-1", options.expected ?? "2026-12-01", [{ sku: "BOOT", quantity: 5 }], day(0));
  const order = await placeOrder(db, m.id, number, [{ sku: "BOOT", quantity: 1 }], day(1));
  const email = `${number.replace("#", "n")}@shopper.example`;
  await drain(day(1));
  expect(subjectsTo(email)).toHaveLength(1);
  rig.standIn.reset();
  /** `inlineEtaEmails` 0: the change's ETA emails are left to the worker, however few. */
  const slip = (expectedDate: string, at: Date, inlineEtaEmails?: number) =>
    changeExpectedDate(db, {
      merchantId: m.id,
      reference: "PO-1",
      expectedDate,
      actor: apiActor,
      now: at,
      inlineEtaEmails,
    });
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
    const text = rig.standIn.deliveries[0]!.email.text!;
    expect(text).toContain("Earlier by 7 days; we said Wed, Dec 2 – Sat, Dec 5 before.");
    const rowsOfOrder = await rig.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.orderId, order.orderId), eq(notifications.kind, "eta_moved")));
    expect(rowsOfOrder).toHaveLength(1);
    await drain(minutes(start, 120));
    expect(subjectsTo(email)).toHaveLength(1);
  });

  it("a second line of the order joins the pending email with its own first window; a line already there keeps its first", async () => {
    const { db } = rig;
    const m = await createMerchant(db, { timezone: "Europe/London", etaChangeThresholdDays: 2, gatherMinutes: 30 });
    await createSku(db, m.id, { code: "BOOT" });
    await createSku(db, m.id, { code: "STOVE" });
    await createPo(db, m.id, "PO-B", "2026-12-01", [{ sku: "BOOT", quantity: 5 }], day(0));
    await createPo(db, m.id, "PO-S", "2026-12-03", [{ sku: "STOVE", quantity: 5 }], day(0));
    const order = await placeOrder(db, m.id, "#4901", { BOOT: 1, STOVE: 1 }, day(1));
    await drain(day(1));
    const slip = (reference: string, expectedDate: string, at: Date) =>
      changeExpectedDate(db, { merchantId: m.id, reference, expectedDate, actor: apiActor, now: at });
    const pending = async () => {
      const found = await db
        .select()
        .from(notifications)
        .where(and(eq(notifications.orderId, order.orderId), eq(notifications.kind, "eta_moved")));
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
    rig.standIn.reset();
    // Later by two days (the shop's threshold is three), still inside the first promise.
    await slip("2026-11-26", day(3));
    await drain(minutes(day(3), 30));
    // Earlier by one day.
    await slip("2026-11-25", day(4));
    await drain(minutes(day(4), 30));
    expect(subjectsTo(email)).toEqual([]);
    const decided = await rig.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.orderId, order.orderId), eq(notifications.status, "skipped")));
    expect(decided).toHaveLength(2);
  });

  it("a line that ships inside the window gets only the shipped email", async () => {
    const { m, email, slip } = await waitingOrder("#4201");
    await slip("2026-11-22", day(2));
    await receivePo(rig.db, m.id, "PO-1", { BOOT: 5 }, minutes(day(2), 5));
    await recordShipment(rig.db, {
      merchantId: m.id,
      input: {
        orderNumber: "#4201",
        carrier: "Royal Mail",
        trackingNumber: "RM123456789GB",
        lines: [{ sku: "BOOT", quantity: 1 }],
      },
      actor: apiActor,
      now: minutes(day(2), 10),
    });
    await drain(minutes(day(2), 11));
    await drain(minutes(day(2), 45));
    expect(subjectsTo(email)).toEqual(["Order #4201 has shipped"]);
  });
});

describe("large changes, gathered by the worker", () => {
  /** A shop whose 26 orders each wait for one unit of 20 SKUs on one PO: slipping it moves 520 lines. */
  async function bigShop(prefix: string) {
    const { db } = rig;
    const m = await createMerchant(db, { timezone: "Europe/London", etaChangeThresholdDays: 2, gatherMinutes: 30 });
    const codes = Array.from({ length: 20 }, (_, i) => `PART-${i}`);
    for (const code of codes) await createSku(db, m.id, { code });
    await createPo(
      db,
      m.id,
      "PO-BIG",
      "2026-12-01",
      codes.map((sku) => ({ sku, quantity: 30 })),
      day(0),
    );
    for (let i = 0; i < 26; i++)
      await placeOrder(
        db,
        m.id,
        `${prefix}${String(i).padStart(2, "0")}`,
        codes.map((sku) => ({ sku, quantity: 1 })),
        day(1),
      );
    await drain(day(1));
    rig.standIn.reset();
    return m;
  }

  /** The shop's pending ETA emails, by order number: each line's first window by SKU, and when it is due. */
  async function pendingByOrder(merchantId: string) {
    const found = await rows<{ number: string; due_at: string; created_at: string; sku_code: string; first: unknown }>(
      rig.db,
      sql`
      select o.number, n.due_at::text, n.created_at::text, l.sku_code, n.payload -> 'lines' -> l.id::text as first
      from notifications n join orders o on o.id = n.order_id join order_lines l on l.order_id = o.id
      where n.merchant_id = ${merchantId} and n.kind = 'eta_moved' and n.status = 'pending'
      order by o.number, l.sku_code`,
    );
    const byOrder: Record<string, { due: string; created: string; lines: Record<string, unknown> }> = {};
    for (const r of found) {
      const entry = (byOrder[r.number.slice(3)] ??= { due: r.due_at, created: r.created_at, lines: {} });
      entry.lines[r.sku_code] = typeof r.first === "string" ? JSON.parse(r.first) : r.first;
    }
    return byOrder;
  }

  it("a PO slip that moves 520 lines commits one queued gathering; the worker writes the same emails as gathering inline", async () => {
    const { db } = rig;
    const slipAt = day(2);
    const slip = (merchantId: string, inlineEtaEmails?: number) =>
      changeExpectedDate(db, {
        merchantId,
        reference: "PO-BIG",
        expectedDate: "2026-11-24",
        actor: apiActor,
        now: slipAt,
        inlineEtaEmails,
      });

    // The same shop twice: once gathered in the slip's own transaction, once queued for the worker.
    const inline = await bigShop("#48");
    await slip(inline.id, 100_000);
    expect(await db.select().from(etaGatherings)).toEqual([]);
    const expected = await pendingByOrder(inline.id);
    expect(Object.keys(expected)).toHaveLength(26);
    expect(expected["00"]!.lines["PART-7"], "each line keeps the window it had").toEqual({
      start: "2026-12-02",
      end: "2026-12-05",
    });

    const queued = await bigShop("#49");
    await slip(queued.id);
    const waiting = await db.select().from(etaGatherings);
    expect(waiting).toHaveLength(1);
    expect(waiting[0]!.eventIds).toHaveLength(520);
    expect(await pendingByOrder(queued.id), "no email written in the slip's transaction").toEqual({});

    await drain(minutes(slipAt, 1));
    expect(await db.select().from(etaGatherings), "the worker's next pass gathers it").toEqual([]);
    expect(await pendingByOrder(queued.id)).toEqual(expected);
    expect(rig.standIn.deliveries, "not due before the gathering window closes").toEqual([]);

    await drain(minutes(slipAt, 30));
    const to = (prefix: string) =>
      rig.standIn.deliveries.filter((d) => d.email.to.some((t) => t.startsWith(`n${prefix}`))).length;
    expect([to("48"), to("49")]).toEqual([26, 26]);
  });

  it("a small change behind a queued one waits its turn, so the email still tells the line's first window", async () => {
    const { email, slip } = await waitingOrder("#4801");
    const start = day(2);
    await slip("2026-11-25", start, 0);
    // One line: small enough to gather inline, but an earlier change of it is still queued.
    await slip("2026-11-22", minutes(start, 5));
    expect(await rig.db.select().from(etaGatherings)).toHaveLength(2);
    await drain(minutes(start, 6));
    await drain(minutes(start, 30));
    expect(subjectsTo(email)).toEqual(["Order #4801: Product boot will ship sooner"]);
    expect(rig.standIn.deliveries[0]!.email.text).toContain(
      "Earlier by 9 days; we said Wed, Dec 2 – Sat, Dec 5 before.",
    );
  });
  it("a due ETA email is not sent while a change that may be about its lines waits to be gathered", async () => {
    const { email, slip } = await waitingOrder("#4803");
    const start = day(2);
    await slip("2026-11-25", start); // gathered inline: the email holds the line's first window
    const due = minutes(start, 31);
    await slip("2026-11-22", due, 0); // queued, and the email is due now
    // A worker that did not gather first (another held the queue) claims nothing of it.
    expect(await claimBatch(rig.db, { now: minutes(due, 1), limit: 100, leaseSeconds: 60 })).toBeNull();
    await drain(minutes(due, 1));
    expect(subjectsTo(email)).toEqual(["Order #4803: Product boot will ship sooner"]);
    expect(rig.standIn.deliveries[0]!.email.text).toContain("we said Wed, Dec 2 – Sat, Dec 5 before.");
    await drain(minutes(due, 120));
    expect(subjectsTo(email), "one email for both changes").toHaveLength(1);
  });

  it("workers gathering at once gather each queued change once, oldest first", async () => {
    const { order, slip } = await waitingOrder("#4802");
    const start = day(2);
    await slip("2026-11-25", start, 0);
    await slip("2026-11-22", minutes(start, 5), 0);
    const expanded = await Promise.all([gatherQueued(rig.db), gatherQueued(rig.db), gatherQueued(rig.db)]);
    expect(expanded.reduce((a, b) => a + b, 0)).toBe(2);
    expect(await rig.db.select().from(etaGatherings)).toEqual([]);
    const found = await rig.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.orderId, order.orderId), eq(notifications.kind, "eta_moved")));
    expect(found.map((n) => Object.values((n.payload as { lines: Record<string, unknown> }).lines))).toEqual([
      [{ start: "2026-12-02", end: "2026-12-05" }],
    ]);
  });
});

describe("preferences", () => {
  it("an unsubscribed shopper still gets shipped and confirmation emails, but no ETA updates", async () => {
    const { db } = rig;
    const { m, order, email, slip } = await waitingOrder("#4301");
    await unsubscribeFromEtaUpdates(db, { email, now: day(2) });

    await slip("2026-11-22", day(2));
    await drain(minutes(day(2), 30));
    expect(subjectsTo(email), "no ETA update").toEqual([]);

    // A second line with no date gets one: that is a confirmation, always sent.
    await placeOrder(db, m.id, "#4301", { BOOT: 1, STOVE: 1 }, day(3), email);
    await drain(day(3));
    rig.standIn.reset();
    await createPo(db, m.id, "PO-2", "2026-12-10", [{ sku: "STOVE", quantity: 2 }], day(4));
    await drain(minutes(day(4), 30));
    expect(subjectsTo(email)).toEqual(["Order #4301: Product stove now has a ship date"]);

    rig.standIn.reset();
    await cancelLines(db, {
      merchantId: m.id,
      orderId: order.orderId,
      lineIds: [order.lines[0]!.id],
      actor: { type: "shopper", id: email },
      now: day(5),
    });
    await receivePo(db, m.id, "PO-2", { STOVE: 2 }, day(6));
    await shipUnits(db, m.id, "#4301", { STOVE: 1 }, day(7));
    await drain(day(8));
    expect(subjectsTo(email).sort()).toEqual(["Order #4301 has shipped", "Order #4301: Product boot cancelled"]);
  });

  it("an order's own choice wins over the choice for all orders", async () => {
    const { db } = rig;
    const { order, email, slip } = await waitingOrder("#4401");
    await savePreferences(db, { email, allOrders: false, order: { id: order.orderId, choice: true }, now: day(2) });
    await slip("2026-11-22", day(2));
    await drain(minutes(day(2), 30));
    expect(subjectsTo(email)).toEqual(["Order #4401: Product boot will ship sooner"]);
  });
});
