import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createApiKey } from "@/lib/api/keys";
import { rows } from "@/lib/db/client";
import { resendTransport } from "@/lib/email/transports";
import { drainOutbox } from "@/lib/notifications/dispatch";
import { changeExpectedDate } from "@/lib/supply/purchase-orders";
import { useFreshDatabase, type TestDatabase } from "@/testing/db";
import { apiActor, createMerchant, createPo, createSku, day, placeOrder } from "@/testing/fixtures";
import { appRoutes, serveRoutes } from "@/testing/http";
import { startResendStandIn, type ResendStandIn } from "@/testing/resend-standin";

// Notification settings through the API (GET/PATCH /api/v1/settings/notifications): validated,
// audited, scoped to the key's shop, and in effect from the next gathering.

let database: TestDatabase;
let server: { url: string; close: () => Promise<void> };
let standIn: ResendStandIn;
let transport: ReturnType<typeof resendTransport>;
let shop: { id: string };
let other: { id: string };
let key: string;
const minutes = (at: Date, n: number) => new Date(at.getTime() + n * 60_000);

beforeAll(async () => {
  database = await useFreshDatabase();
  standIn = await startResendStandIn();
  transport = resendTransport({ apiKey: standIn.apiKey, baseUrl: standIn.url });
  shop = await createMerchant(database.db, { slug: "settings-a", timezone: "Europe/London", gatherMinutes: 30 });
  other = await createMerchant(database.db, { slug: "settings-b", timezone: "Europe/London", gatherMinutes: 30 });
  for (const m of [shop, other]) {
    await createSku(database.db, m.id, { code: "BOOT" });
    await createPo(database.db, m.id, "PO-1", "2026-12-01", [{ sku: "BOOT", quantity: 50 }], day(0));
  }
  key = (await createApiKey(database.db, { merchantSlug: "settings-a", name: "test" })).key;
  server = await serveRoutes(await appRoutes("api/v1"));
});
afterAll(async () => {
  await server?.close();
  await standIn?.close();
  await database?.close();
});
beforeEach(() => standIn.reset());

const drain = (now: Date) => drainOutbox(database.db, { transport, now, random: () => 0 });
const mailTo = (email: string) => standIn.deliveries.filter((d) => d.email.to.includes(email)).map((d) => d.email);

async function call(method: string, body?: unknown) {
  const response = await fetch(`${server.url}/api/v1/settings/notifications`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const slip = (merchantId: string, expectedDate: string, now: Date) =>
  changeExpectedDate(database.db, {
    merchantId,
    reference: "PO-1",
    expectedDate,
    note: "Held at the port",
    actor: apiActor,
    now,
  });

describe("notification settings through the API", () => {
  it("reads the defaults, and refuses bad values naming the field without changing anything", async () => {
    const defaults = await call("GET");
    expect(defaults).toEqual({
      status: 200,
      body: {
        gatherMinutes: 30,
        etaLaterThresholdDays: 2,
        etaEarlierThresholdDays: 2,
        emailsOff: [],
        showPoNotes: false,
        senderName: null,
        replyTo: null,
      },
    });
    for (const [body, field] of [
      [{ gatherMinutes: -1 }, "gatherMinutes"],
      [{ gatherMinutes: 5, colour: "red" }, "colour"],
      [{ emailsOff: ["delay_first"] }, "emailsOff[0]"],
      [{ replyTo: "not an address" }, "replyTo"],
      [{ etaEarlierThresholdDays: 0 }, "etaEarlierThresholdDays"],
    ] as const) {
      const refused = await call("PATCH", body);
      expect(refused.status, JSON.stringify(body)).toBe(422);
      expect(refused.body.error.field).toBe(field);
    }
    expect((await call("GET")).body).toEqual(defaults.body);
    const audited = await rows(
      database.db,
      sql`select 1 from audit_log where action = 'settings.notifications_changed'`,
    );
    expect(audited).toHaveLength(0);
  });

  it("a change is audited and takes effect on the next gathering, for this shop only", async () => {
    const changed = await call("PATCH", {
      gatherMinutes: 5,
      etaLaterThresholdDays: 5,
      showPoNotes: true,
      senderName: "Northwind Care",
      replyTo: "care@northwind.example",
      emailsOff: ["backordered"],
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ gatherMinutes: 5, etaLaterThresholdDays: 5, emailsOff: ["backordered"] });
    expect((await call("GET")).body).toEqual(changed.body);
    const [audit] = await rows<{ actor_type: string; before: unknown; after: unknown }>(
      database.db,
      sql`select actor_type, before, after from audit_log where action = 'settings.notifications_changed' and merchant_id = ${shop.id}::uuid`,
    );
    expect(audit).toMatchObject({
      actor_type: "api",
      before: { gatherMinutes: 30, etaLaterThresholdDays: 2, emailsOff: [] },
      after: { gatherMinutes: 5, etaLaterThresholdDays: 5, emailsOff: ["backordered"] },
    });

    // The intake email is off for this shop, on for the other.
    await placeOrder(database.db, shop.id, "#1", [{ sku: "BOOT", quantity: 1 }], day(1));
    await placeOrder(database.db, other.id, "#1", [{ sku: "BOOT", quantity: 1 }], day(1));
    await drain(day(1));
    expect(mailTo("n1@shopper.example").length).toBe(1);
    const skipped = await rows<{ merchant_id: string; status: string }>(
      database.db,
      sql`select merchant_id, status from notifications where kind = 'backordered' order by status`,
    );
    expect(skipped).toEqual([
      { merchant_id: other.id, status: "sent" },
      { merchant_id: shop.id, status: "skipped" },
    ]);
    standIn.reset();

    // Both hear that the date came eleven days sooner (inside the first promise from here on).
    await slip(shop.id, "2026-11-20", day(2));
    await slip(other.id, "2026-11-20", day(2));
    await drain(minutes(day(2), 31));
    expect(standIn.deliveries.map((d) => d.email.subject)).toEqual([
      "Order #1: Product boot will ship sooner",
      "Order #1: Product boot will ship sooner",
    ]);
    standIn.reset();

    // Three days later is below this shop's new threshold of five; the other shop still hears it.
    await slip(shop.id, "2026-11-23", day(3));
    await slip(other.id, "2026-11-23", day(3));
    await drain(minutes(day(3), 31));
    const heard = standIn.deliveries.map((d) => d.email);
    expect(heard.map((h) => h.subject)).toEqual(["Order #1: new ship date for Product boot"]);
    expect(heard[0]!.from).toMatch(/^"Shop \d+" </);
    expect(heard[0]!.text).not.toContain("Held at the port");
    standIn.reset();

    // Six days later: this shop's email goes after its five-minute window, quoting the PO's note,
    // from its sender name with its reply-to.
    await slip(shop.id, "2026-11-29", day(4));
    await drain(minutes(day(4), 4));
    expect(standIn.deliveries, "still inside the five-minute window").toHaveLength(0);
    await drain(minutes(day(4), 6));
    expect(standIn.deliveries).toHaveLength(1);
    const mail = standIn.deliveries[0]!.email;
    expect(mail.from).toBe('"Northwind Care" <updates@backorder.example>');
    expect(mail.reply_to).toBe("care@northwind.example");
    expect(mail.text).toContain("Why: The supplier's delivery moved later: “Held at the port”");
  });
});
