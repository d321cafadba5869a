import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rows } from "../db/client";
import { resendTransport } from "../email/transports";
import { overrideEta } from "../eta/override";
import { changeExpectedDate, receivePurchaseOrder } from "../supply/purchase-orders";
import { useFreshDatabase, type TestDatabase } from "../../testing/db";
import { apiActor, createMerchant, createPo, createSku, day, placeOrder } from "../../testing/fixtures";
import { startResendStandIn, type ResendStandIn } from "../../testing/resend-standin";
import { drainOutbox } from "./dispatch";

// Emails say why a date moved (issue 21): the reason of the change in the shopper's words, support's
// note when support set the date, and the supplier's note on a PO date change when the shop shows those.

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
const mailTo = (email: string) => standIn.deliveries.filter((d) => d.email.to.includes(email)).map((d) => d.email);

/** A shop, a SKU waiting on PO-1, and one order for it whose intake email is sent. */
async function waitingOrder(number: string, options: { showPoNotes?: boolean; expected?: string } = {}) {
  const { db } = database;
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
  standIn.reset();
  return { m, order, email };
}

describe("ETA and delay emails say why", () => {
  it("a PO slip says the supplier's delivery moved, without the supplier's note while the shop keeps those to itself", async () => {
    const { m, email } = await waitingOrder("#5001");
    await changeExpectedDate(database.db, {
      merchantId: m.id,
      reference: "PO-1",
      expectedDate: "2026-12-05",
      note: "Container held at the port",
      actor: apiActor,
      now: day(2),
    });
    await drain(minutes(day(2), 31));
    const [mail] = mailTo(email);
    expect(mail?.text).toContain("Why: The supplier's delivery moved later.");
    expect(mail?.text).not.toContain("Container held");
    expect(mail?.text).not.toContain("The order page shows why");
  });

  it("with the shop's setting on, the email quotes the supplier's note on the PO change", async () => {
    const { m, email } = await waitingOrder("#5002", { showPoNotes: true });
    await changeExpectedDate(database.db, {
      merchantId: m.id,
      reference: "PO-1",
      expectedDate: "2026-12-05",
      note: "Container held at the port",
      actor: apiActor,
      now: day(2),
    });
    await drain(minutes(day(2), 31));
    const [mail] = mailTo(email);
    expect(mail?.text).toContain("Why: The supplier's delivery moved later: “Container held at the port”");
    expect(mail?.html).toContain("Container held at the port");
  });

  it("the sooner email says the stock arrived", async () => {
    const { m, email } = await waitingOrder("#5003", { expected: "2026-12-20" });
    await receivePurchaseOrder(database.db, {
      merchantId: m.id,
      reference: "PO-1",
      input: { lines: [{ sku: "BOOT", quantity: 5 }] },
      actor: apiActor,
      now: day(2),
    });
    await drain(minutes(day(2), 31));
    const mails = mailTo(email);
    const sooner = mails.find((x) => x.subject === "Order #5003: Product boot will ship sooner");
    expect(sooner?.text).toContain("Why: The stock arrived and was set aside for you.");
  });

  it("a date support set says so, with support's note", async () => {
    const { m, order, email } = await waitingOrder("#5004");
    const [line] = await rows<{ id: number }>(
      database.db,
      sql`select id from order_lines where order_id = ${order.orderId}`,
    );
    await overrideEta(database.db, {
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
    const { m, email } = await waitingOrder("#5005", { showPoNotes: true });
    await changeExpectedDate(database.db, {
      merchantId: m.id,
      reference: "PO-1",
      expectedDate: "2027-02-15",
      note: "The factory is closed for the holidays",
      actor: apiActor,
      now: day(2),
    });
    await drain(minutes(day(2), 31));
    const mails = mailTo(email);
    const delay = mails.find((x) => x.subject === "Action needed: keep waiting for Product boot? (order #5005)");
    expect(delay?.text).toContain("Why: The supplier's delivery moved later: “The factory is closed for the holidays”");
  });
});
