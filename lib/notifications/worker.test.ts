import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { rows } from "../db/client";
import { etaEvents, orderLines } from "../db/schema/orders";
import { resendTransport } from "../email/transports";
import { onPostgres, useFreshDatabase, type TestDatabase } from "../../testing/db";
import { createMerchant, createPo, createSku, day, placeOrder } from "../../testing/fixtures";
import { startResendStandIn, type ResendStandIn } from "../../testing/resend-standin";
import { consentExpireQueue, missedPromiseQueue, startWorker, type WorkerHandle } from "./worker";

// The worker as the app runs it: on PGlite, pg-boss goes through the app's own client (the
// embedded case, where no second process may open the folder); on PostgreSQL, its own pool.

let database: TestDatabase;
let standIn: ResendStandIn;
let worker: WorkerHandle | undefined;

beforeAll(async () => {
  database = await useFreshDatabase();
  standIn = await startResendStandIn();
});
afterAll(async () => {
  await worker?.stop();
  await standIn.close();
  await database.close();
});

async function waitFor(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe(`the worker on ${onPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("sends what is due, keeps its schedules in pg-boss, and runs the consent sweep as a pg-boss job", async () => {
    const { db } = database;
    const m = await createMerchant(db);
    await createSku(db, m.id, { code: "TENT", priceMinor: 5000 });
    await createPo(db, m.id, "PO-1", "2026-11-20", [{ sku: "TENT", quantity: 2 }], day(0));
    const order = await placeOrder(db, m.id, "#8001", [{ sku: "TENT", quantity: 1 }], day(1));

    worker = await startWorker({
      database,
      connectionString: database.url,
      transport: resendTransport({ apiKey: standIn.apiKey, baseUrl: standIn.url }),
      pollMs: 50,
      log: (message) => {
        throw new Error(message);
      },
    });
    await waitFor("the backordered email", () =>
      standIn.deliveries.some((d) => d.email.to.includes("n8001@shopper.example")),
    );

    const schedules = await worker.boss!.getSchedules();
    expect(schedules.map((s) => [s.name, s.cron]).sort()).toEqual([
      [consentExpireQueue, "* * * * *"],
      [missedPromiseQueue, "*/15 * * * *"],
    ]);
    // The overdue-window sweep ran with the missed-promise scan at start: today the PO (Nov 20,
    // last day Nov 23) is long overdue.
    await waitFor("the overdue window re-dated", async () =>
      (await db.select().from(etaEvents).where(eq(etaEvents.orderLineId, order.lines[0]!.id))).some(
        (e) => e.reason === "po_delayed",
      ),
    );

    // A line whose consent deadline passed: the sweep, sent as a pg-boss job, cancels it.
    await db
      .update(orderLines)
      .set({ consentState: "awaiting", consentDeadline: new Date(Date.now() - 60_000) })
      .where(eq(orderLines.id, order.lines[0]!.id));
    await worker.boss!.send(consentExpireQueue, {});
    await waitFor(
      "the expired line cancelled",
      async () =>
        (await db.select().from(orderLines).where(eq(orderLines.id, order.lines[0]!.id)))[0]!.status === "cancelled",
    );
    await waitFor("the cancellation email", () =>
      standIn.deliveries.some((d) => d.email.subject === `Order #8001: Product tent cancelled`),
    );
    const [event] = await rows<{ type: string }>(
      db,
      sql`select type from domain_events where order_line_id = ${order.lines[0]!.id} and type = 'delay_consent_expired'`,
    );
    expect(event).toBeDefined();

    await worker.stop();
    worker = undefined;
  });
});
