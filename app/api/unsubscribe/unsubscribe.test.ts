import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { emailPreferences, notifications } from "@/lib/db/schema/notifications";
import { orders } from "@/lib/db/schema/orders";
import { resendTransport } from "@/lib/email/transports";
import { signToken } from "@/lib/links/tokens";
import { drainOutbox } from "@/lib/notifications/dispatch";
import { readPreferencesToken, unsubscribeUrl } from "@/lib/notifications/links";
import { changeExpectedDate } from "@/lib/supply/purchase-orders";
import { useFreshDatabase, type TestDatabase } from "@/testing/db";
import { apiActor, createMerchant, createPo, createSku, day, placeOrder } from "@/testing/fixtures";
import { appRoutes, serveRoutes } from "@/testing/http";
import { startResendStandIn, type ResendStandIn } from "@/testing/resend-standin";

// One-click unsubscribe (RFC 8058) over real HTTP: the address from an email's List-Unsubscribe
// header, POSTed as a mail client does.

let database: TestDatabase;
let server: { url: string; close: () => Promise<void> };
let standIn: ResendStandIn;

beforeAll(async () => {
  database = await useFreshDatabase();
  standIn = await startResendStandIn();
  server = await serveRoutes(await appRoutes("api/unsubscribe"));
});
afterAll(async () => {
  await server.close();
  await standIn.close();
  await database.close();
});

const local = (url: string) => url.replace("http://localhost:3000", server.url);

describe("POST /api/unsubscribe/{token}", () => {
  it("answers with an empty 200 and stops ETA updates at once, even one already gathering", async () => {
    const { db } = database;
    const m = await createMerchant(db, { gatherMinutes: 30 });
    await createSku(db, m.id, { code: "KETTLE" });
    await createPo(db, m.id, "PO-K", "2026-11-30", [{ sku: "KETTLE", quantity: 3 }], day(0));
    const order = await placeOrder(db, m.id, "#7001", [{ sku: "KETTLE", quantity: 1 }], day(1));
    const email = "n7001@shopper.example";
    await db.update(orders).set({ etaUpdates: true }).where(eq(orders.id, order.orderId));
    await changeExpectedDate(db, {
      merchantId: m.id,
      reference: "PO-K",
      expectedDate: "2026-11-24",
      actor: apiActor,
      now: day(2),
    });

    const response = await fetch(local(unsubscribeUrl(email)), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    const [pref] = await db.select().from(emailPreferences).where(eq(emailPreferences.email, email));
    expect(pref).toMatchObject({ etaUpdates: false });
    // The order's own "yes" gives way too: one click means no more of these emails.
    expect((await db.select().from(orders).where(eq(orders.id, order.orderId)))[0]!.etaUpdates).toBeNull();

    const transport = resendTransport({ apiKey: standIn.apiKey, baseUrl: standIn.url });
    await drainOutbox(db, { transport, now: new Date(day(2).getTime() + 31 * 60_000) });
    expect(standIn.deliveries.filter((d) => d.email.to.includes(email)).map((d) => d.email.subject)).toEqual([
      "Order #7001: Product kettle waiting for stock, and when it ships",
    ]);
    const [gathered] = await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.orderId, order.orderId), eq(notifications.kind, "eta_moved")));
    expect(gathered).toMatchObject({ status: "skipped" });
  });

  it("refuses a token that was changed or signed for something else, with a sentence", async () => {
    const forged = signToken("preferences", { e: "someone@example.com" });
    for (const token of [forged, "nonsense", `${unsubscribeUrl("a@example.com").split("/").pop()}x`]) {
      const response = await fetch(`${server.url}/api/unsubscribe/${token}`, { method: "POST" });
      expect(response.status).toBe(400);
      expect(await response.text()).toBe("This unsubscribe link is not valid.");
    }
    expect(
      await database.db.select().from(emailPreferences).where(eq(emailPreferences.email, "someone@example.com")),
    ).toEqual([]);
  });

  it("GET changes nothing and sends a person to the preferences page", async () => {
    const response = await fetch(local(unsubscribeUrl("reader@example.com")), { redirect: "manual" });
    expect(response.status).toBe(303);
    const location = response.headers.get("location")!;
    expect(readPreferencesToken(location.split("/preferences/")[1]!)).toEqual({
      email: "reader@example.com",
      orderId: null,
    });
    expect(
      await database.db.select().from(emailPreferences).where(eq(emailPreferences.email, "reader@example.com")),
    ).toEqual([]);
  });
});
