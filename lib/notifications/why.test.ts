import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rows } from "../db/client";
import { overrideEta } from "../eta/override";
import { changeExpectedDate } from "../supply/purchase-orders";
import { apiActor, createMerchant, createPo, createSku, day, placeOrder, receivePo } from "../../testing/fixtures";
import { mailRig, minutes } from "../../testing/mail-harness";

// Emails say why a date moved (issue 21): the reason of the change in the shopper's words, support's
// note when support set the date, and the supplier's note on a PO date change when the shop shows those.

const rig = mailRig();
const { drain, mailTo } = rig;

/**
 * A shop, a SKU waiting on PO-1, and one order for it whose intake email is sent; `slip` moves
 * PO-1 with a note on day 2 and sends what that causes once the gathering window has passed.
 */
async function waitingOrder(number: string, options: { showPoNotes?: boolean; expected?: string } = {}) {
  const { db } = rig;
  const m = await createMerchant(db, {
    timezone: "Europe/London",
    etaChangeThresholdDays: 2,
    gatherMinutes: 30,
    showPoNotes: options.showPoNotes ?? false,
  });
  await createSku(db, m.id, { code: "BOOT" });
  await createPo(db, m.id, "PO-1", options.expected ?? "2026-12-01", [{ sku: "BOOT", quantity: 5 }], day(0));
  const order = await placeOrder(db, m.id, number, [{ sku: "BOOT", quantity: 1 }], day(1));
  const email = `${number.replace("#", "n")}@shopper.example`;
  await drain(day(1));
  expect(mailTo(email)).toHaveLength(1);
  rig.standIn.reset();
  const slip = async (expectedDate: string, note: string) => {
    await changeExpectedDate(db, {
      merchantId: m.id,
      reference: "PO-1",
      expectedDate,
      note,
      actor: apiActor,
      now: day(2),
    });
    await drain(minutes(day(2), 31));
  };
  return { m, order, email, slip };
}

describe("ETA and delay emails say why", () => {
  it("a PO slip says the supplier's delivery moved, without the supplier's note while the shop keeps those to itself", async () => {
    const { email, slip } = await waitingOrder("#5001");
    await slip("2026-12-05", "Container held at the port");
    const [mail] = mailTo(email);
    expect(mail?.text).toContain("Why: The supplier's delivery moved later.");
    expect(mail?.text).not.toContain("Container held");
    expect(mail?.text).not.toContain("The order page shows why");
  });

  it("with the shop's setting on, the email quotes the supplier's note on the PO change", async () => {
    const { email, slip } = await waitingOrder("#5002", { showPoNotes: true });
    await slip("2026-12-05", "Container held at the port");
    const [mail] = mailTo(email);
    expect(mail?.text).toContain("Why: The supplier's delivery moved later: “Container held at the port”");
    expect(mail?.html).toContain("Container held at the port");
  });

  it("the sooner email says the stock arrived", async () => {
    const { m, email } = await waitingOrder("#5003", { expected: "2026-12-20" });
    await receivePo(rig.db, m.id, "PO-1", { BOOT: 5 }, day(2));
    await drain(minutes(day(2), 31));
    const mails = mailTo(email);
    const sooner = mails.find((x) => x.subject === "Order #5003: Product boot will ship sooner");
    expect(sooner?.text).toContain("Why: The stock arrived and was set aside for you.");
  });

  it("a date support set says so, with support's note", async () => {
    const { m, order, email } = await waitingOrder("#5004");
    const [line] = await rows<{ id: number }>(
      rig.db,
      sql`select id from order_lines where order_id = ${order.orderId}`,
    );
    await overrideEta(rig.db, {
      merchantId: m.id,
      lineId: Number(line!.id),
      shipStart: "2026-12-10",
      shipEnd: "2026-12-12",
      note: "The maker is sewing yours by hand",
      actor: { type: "agent", id: "jo@shop.example" },
      now: day(2),
    });
    await drain(minutes(day(2), 31));
    const [mail] = mailTo(email);
    expect(mail?.text).toContain("Why: Our support team set the date: “The maker is sewing yours by hand”");
  });

  it("a delay notice says why the promised date will be missed", async () => {
    const { email, slip } = await waitingOrder("#5005", { showPoNotes: true });
    await slip("2027-02-15", "The factory is closed for the holidays");
    const mails = mailTo(email);
    const delay = mails.find((x) => x.subject === "Action needed: keep waiting for Product boot? (order #5005)");
    expect(delay?.text).toContain("Why: The supplier's delivery moved later: “The factory is closed for the holidays”");
  });
});
