import { describe, expect, it } from "vitest";
import { and, desc, eq } from "drizzle-orm";
import { auditLog } from "../db/schema/audit";
import { delayNotices, domainEvents, etaGatherings } from "../db/schema/notifications";
import { orderLines } from "../db/schema/orders";
import { DomainError } from "../errors";
import { changeExpectedDate } from "../supply/purchase-orders";
import { apiActor, createMerchant, createPo, createSku, day, placeOrder } from "../../testing/fixtures";
import { mailRig, minutes } from "../../testing/mail-harness";
import { revokeViewLinks } from "../links/view-link";
import {
  answerDelayNotice,
  delayNoticeView,
  expireOverdueConsent,
  noticeLinkExpired,
  noticeMissedPromises,
} from "./consent";

// Delay consent with a controlled clock: every step takes `now`, and deadlines live in the data.

const rig = mailRig();
const { drain, subjectsTo } = rig;

/** An order waiting on a PO due Nov 20 (so promised to ship by Tue, Nov 24), New York time. */
async function promisedOrder(number: string) {
  const { db } = rig;
  const m = await createMerchant(db, {
    timezone: "America/New_York",
    gatherMinutes: 30,
    defaultSlipDays: 3,
    handlingDays: 1,
  });
  await createSku(db, m.id, { code: "TENT", priceMinor: 19900 });
  await createPo(db, m.id, "PO-T", "2026-11-20", [{ sku: "TENT", quantity: 5 }], day(0));
  const order = await placeOrder(db, m.id, number, [{ sku: "TENT", quantity: 1 }], day(1));
  const lineId = order.lines[0]!.id;
  const email = `${number.replace("#", "n")}@shopper.example`;
  await drain(day(1));
  rig.standIn.reset();
  const line = async () => (await db.select().from(orderLines).where(eq(orderLines.id, lineId)))[0]!;
  expect((await line()).promisedShipEnd).toBe("2026-11-24");
  const slip = async (expectedDate: string, at: Date) => {
    await changeExpectedDate(db, { merchantId: m.id, reference: "PO-T", expectedDate, actor: apiActor, now: at });
    await drain(minutes(at, 30));
  };
  const latestNotice = async () =>
    (
      await db
        .select()
        .from(delayNotices)
        .where(eq(delayNotices.orderLineId, lineId))
        .orderBy(desc(delayNotices.id))
        .limit(1)
    )[0]!;
  return { m, order, lineId, email, line, slip, latestNotice };
}

describe("delay consent", () => {
  it("silence after a first short delay keeps the line", async () => {
    const { email, line, slip, latestNotice } = await promisedOrder("#5001");
    await slip("2026-11-30", day(2));
    expect(subjectsTo(email)).toContain("Order #5001: Product tent is delayed");
    expect(await latestNotice()).toMatchObject({
      kind: "first",
      newShipEnd: "2026-12-04",
      consentDeadline: null,
      response: null,
    });
    expect(await line()).toMatchObject({
      consentState: "notified",
      promisedShipEnd: "2026-12-04",
      consentDeadline: null,
    });

    // Weeks of silence: the expiry job runs and leaves it alone.
    for (const at of [day(10), day(30), day(60)]) expect(await expireOverdueConsent(rig.db, { now: at })).toBe(0);
    expect(await line()).toMatchObject({ status: "backordered", consentState: "notified" });
  });

  it("silence after a renewed notice cancels the line at the deadline, writes the audit log and emits the refund event", async () => {
    const { order, lineId, email, line, slip, latestNotice } = await promisedOrder("#5101");
    await slip("2026-11-30", day(2));
    rig.standIn.reset();
    await slip("2026-12-10", day(3));
    expect(subjectsTo(email)).toEqual(["Action needed: keep waiting for Product tent? (order #5101)"]);
    const notice = await latestNotice();
    // The deadline is the end of the date last promised (Fri, Dec 4) in New York.
    expect(notice).toMatchObject({ kind: "renewed", newShipEnd: "2026-12-14" });
    expect(notice.consentDeadline!.toISOString()).toBe("2026-12-05T05:00:00.000Z");
    expect(await line()).toMatchObject({ consentState: "awaiting", promisedShipEnd: "2026-12-04" });
    const deadline = notice.consentDeadline!;

    expect(await expireOverdueConsent(rig.db, { now: new Date(deadline.getTime() - 1000) })).toBe(0);
    expect((await line()).status).toBe("backordered");

    rig.standIn.reset();
    expect(await expireOverdueConsent(rig.db, { now: deadline })).toBe(1);
    expect(await line()).toMatchObject({ status: "cancelled", consentState: "expired", consentDeadline: null });
    const [event] = await rig.db
      .select()
      .from(domainEvents)
      .where(and(eq(domainEvents.orderLineId, lineId), eq(domainEvents.type, "delay_consent_expired")));
    expect(event).toMatchObject({
      actorType: "system",
      actorId: "delay-consent",
      payload: { units: 1, refundMinor: 19900 },
    });
    const [audit] = await rig.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orderId, order.orderId), eq(auditLog.action, "line.cancelled_no_consent")));
    expect(audit).toMatchObject({ entityId: String(lineId), actorType: "system" });

    await drain(deadline);
    expect(subjectsTo(email)).toEqual(["Order #5101: Product tent cancelled"]);
    expect(rig.standIn.deliveries[0]!.email.text).toContain("did not hear from you by Fri, Dec 4, 11:59 PM EST");
    // Running again finds nothing more to do.
    expect(await expireOverdueConsent(rig.db, { now: day(60) })).toBe(0);
  });

  it("“Keep waiting” before the deadline keeps the line, and the new date becomes the promise", async () => {
    const { line, slip, latestNotice } = await promisedOrder("#5201");
    await slip("2026-11-30", day(2));
    await slip("2026-12-10", day(3));
    const notice = await latestNotice();
    await answerDelayNotice(rig.db, {
      noticeId: notice.id,
      answer: "keep_waiting",
      now: new Date(notice.consentDeadline!.getTime() - 3_600_000),
    });
    expect(await line()).toMatchObject({
      consentState: "accepted",
      promisedShipEnd: "2026-12-14",
      consentDeadline: null,
    });
    expect(await latestNotice()).toMatchObject({ response: "keep_waiting" });
    expect(await expireOverdueConsent(rig.db, { now: day(60) })).toBe(0);
    expect((await line()).status).toBe("backordered");
    // Answering twice is harmless.
    await answerDelayNotice(rig.db, { noticeId: notice.id, answer: "keep_waiting", now: day(5) });
  });

  it("“Cancel” cancels the line at once and confirms it by email", async () => {
    const { email, line, slip, latestNotice } = await promisedOrder("#5301");
    await slip("2026-11-30", day(2));
    rig.standIn.reset();
    const result = await answerDelayNotice(rig.db, {
      noticeId: (await latestNotice()).id,
      answer: "cancel",
      now: day(3),
    });
    expect(result).toMatchObject({ answer: "cancel", refundMinor: 19900 });
    expect((await line()).status).toBe("cancelled");
    await drain(day(3));
    expect(subjectsTo(email)).toEqual(["Order #5301: Product tent cancelled"]);
    await expect(
      answerDelayNotice(rig.db, { noticeId: (await latestNotice()).id, answer: "keep_waiting", now: day(4) }),
    ).rejects.toBeInstanceOf(DomainError);
  });

  it("an answered notice only shows its answer: after “keep waiting” its cancel button is gone and refused", async () => {
    const { line, slip, latestNotice } = await promisedOrder("#5501");
    await slip("2026-11-30", day(2));
    await slip("2026-12-10", day(3));
    const notice = await latestNotice();
    await answerDelayNotice(rig.db, { noticeId: notice.id, answer: "keep_waiting", now: day(4) });
    expect(await delayNoticeView(rig.db, notice.id, day(4))).toMatchObject({
      response: "keep_waiting",
      canKeepWaiting: false,
      canCancel: false,
    });
    await expect(answerDelayNotice(rig.db, { noticeId: notice.id, answer: "cancel", now: day(5) })).rejects.toThrow(
      /already chose to keep waiting .* use your order page/,
    );
    expect(await line()).toMatchObject({ status: "backordered", consentState: "accepted" });
  });

  it("only the line's newest notice can be answered, either way", async () => {
    const { line, slip, latestNotice } = await promisedOrder("#5601");
    await slip("2026-11-30", day(2));
    const first = await latestNotice();
    await slip("2026-12-10", day(3));
    expect((await latestNotice()).id).not.toBe(first.id);
    for (const answer of ["cancel", "keep_waiting"] as const)
      await expect(answerDelayNotice(rig.db, { noticeId: first.id, answer, now: day(4) })).rejects.toThrow(
        /newer delay notice/,
      );
    expect(await delayNoticeView(rig.db, first.id, day(4))).toMatchObject({ latest: false, canCancel: false });
    expect((await line()).status).toBe("backordered");
  });

  it("a notice's link expires like the order's view links: revoked, or 30 days after the order closed", async () => {
    const { order, line, slip, latestNotice } = await promisedOrder("#5701");
    await slip("2026-11-30", day(2));
    const notice = await latestNotice();
    expect((await delayNoticeView(rig.db, notice.id, day(3)))!.expired).toBe(false);
    await revokeViewLinks(rig.db, order.orderId, day(3));
    expect(await delayNoticeView(rig.db, notice.id, day(3))).toMatchObject({ expired: true, canCancel: false });
    await expect(answerDelayNotice(rig.db, { noticeId: notice.id, answer: "cancel", now: day(3) })).rejects.toThrow(
      /link has expired/,
    );
    expect((await line()).status).toBe("backordered");
    // The closed-order rule on its own.
    const closedAt = day(10);
    expect(noticeLinkExpired(notice.createdAt, { closedAt, revokedAt: null }, day(39))).toBe(false);
    expect(noticeLinkExpired(notice.createdAt, { closedAt, revokedAt: null }, day(41))).toBe(true);
  });

  it("a promised date that passes with nothing moving is noticed, and needs consent since there is no date", async () => {
    const { email, line, latestNotice } = await promisedOrder("#5401");
    // Nov 25 in New York: the promise (Nov 24) has passed and the PO never arrived.
    const at = new Date("2026-11-25T15:00:00Z");
    // Not while ETA changes wait to be gathered: one may be about this line, and its email must
    // tell the window before it. The worker gathers them first; the next scan finds the line.
    const [queued] = await rig.db.insert(etaGatherings).values({ eventIds: [], at }).returning();
    expect(await noticeMissedPromises(rig.db, { now: at })).toBe(0);
    await rig.db.delete(etaGatherings).where(eq(etaGatherings.id, queued!.id));
    expect(await noticeMissedPromises(rig.db, { now: at })).toBeGreaterThanOrEqual(1);
    await drain(at);
    expect(subjectsTo(email)).toEqual(["Action needed: keep waiting for Product tent? (order #5401)"]);
    expect(await latestNotice()).toMatchObject({ kind: "first", newShipEnd: null });
    // Never less than three days to answer.
    expect((await line()).consentDeadline!.toISOString()).toBe("2026-11-28T15:00:00.000Z");
    // Asked once: the scan does not ask again.
    rig.standIn.reset();
    await noticeMissedPromises(rig.db, { now: minutes(at, 60) });
    await drain(minutes(at, 60));
    expect(subjectsTo(email)).toEqual([]);
  });
});
