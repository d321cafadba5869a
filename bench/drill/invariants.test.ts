import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql, type SQL } from "drizzle-orm";
import { rows, type DbOrTx } from "../../lib/db/client";
import { transaction } from "../../lib/db/transaction";
import { saveWebhookEndpoint } from "../../lib/integrations/settings";
import { cancelLines } from "../../lib/orders/cancel";
import { recordShipment } from "../../lib/orders/ship";
import { changeExpectedDate, receivePurchaseOrder } from "../../lib/supply/purchase-orders";
import { useFreshDatabase, type TestDatabase } from "../../testing/db";
import { apiActor, createMerchant, createPo, createSku, day, placeOrder } from "../../testing/fixtures";
import {
  checkInvariants,
  takeStockSnapshot,
  type InvariantName,
  type InvariantOptions,
  type Violation,
} from "./invariants";

// The drills' invariant check must be able to fail: a small consistent world made through the
// domain functions reads green, and each way of breaking it (one direct SQL update at a time,
// rolled back afterwards) is reported by the check it breaks, in words.

let database: TestDatabase;
let merchantId: string;
const ids: Record<string, number> = {};

class Rollback extends Error {}

/** Applies `corruption` in a transaction, checks inside it, and rolls it back. */
async function violationsAfter(
  corruption: SQL | SQL[],
  options: InvariantOptions | ((tx: DbOrTx) => Promise<InvariantOptions>) = {},
): Promise<Violation[]> {
  let found: Violation[] = [];
  await transaction(database.db, async (tx) => {
    const opts = typeof options === "function" ? await options(tx) : options;
    for (const statement of Array.isArray(corruption) ? corruption : [corruption]) await tx.execute(statement);
    found = await checkInvariants(tx, opts);
    throw new Rollback();
  }).catch((error: unknown) => {
    if (!(error instanceof Rollback)) throw error;
  });
  return found;
}

function expectViolation(found: Violation[], check: InvariantName, pattern: RegExp) {
  const matching = found.filter((v) => v.check === check && pattern.test(v.message));
  expect(
    matching,
    `expected a ${check} violation matching ${pattern}; got:\n${found.map((v) => `${v.check}: ${v.message}`).join("\n")}`,
  ).not.toHaveLength(0);
}

async function pendingNotifications() {
  return rows<{ id: string }>(
    database.db,
    sql`select id::text from notifications where status = 'pending' order by created_at, id`,
  );
}

beforeAll(async () => {
  database = await useFreshDatabase();
  const db = database.db;
  const merchant = await createMerchant(db);
  merchantId = merchant.id;
  await saveWebhookEndpoint(db, { merchantId, url: "http://127.0.0.1:9/webhooks", actor: apiActor, now: day(0) });
  await createSku(db, merchantId, { code: "SOCK", onHand: 10 });
  await createSku(db, merchantId, { code: "JACKET", onHand: 1 });
  await createSku(db, merchantId, { code: "BOOT", onHand: 0 });

  // JACKET: one in stock, three orders queue for it (the first gets the unit).
  const first = await placeOrder(db, merchantId, "#1001", [{ sku: "JACKET", quantity: 2 }], day(1));
  const second = await placeOrder(db, merchantId, "#1002", [{ sku: "JACKET", quantity: 1 }], day(2));
  await placeOrder(
    db,
    merchantId,
    "#1003",
    [
      { sku: "JACKET", quantity: 1 },
      { sku: "SOCK", quantity: 2 },
    ],
    day(3),
  );
  ids.firstJacket = first.lines[0]!.id;
  ids.secondJacket = second.lines[0]!.id;
  // BOOT: none in stock; a PO comes, slips, is partly received.
  await placeOrder(db, merchantId, "#1004", [{ sku: "BOOT", quantity: 2 }], day(4));
  await placeOrder(db, merchantId, "#1005", [{ sku: "BOOT", quantity: 3 }], day(5));
  await createPo(db, merchantId, "PO-1", "2026-11-20", [{ sku: "BOOT", quantity: 10 }], day(6));
  await changeExpectedDate(db, {
    merchantId,
    reference: "PO-1",
    expectedDate: "2026-11-27",
    actor: apiActor,
    now: day(7),
  });
  await receivePurchaseOrder(db, {
    merchantId,
    reference: "PO-1",
    input: { lines: [{ sku: "BOOT", quantity: 2 }] },
    actor: apiActor,
    now: day(8),
  });
  // SOCK: two ship; an order of 2 ships one unit and cancels the other.
  await recordShipment(db, {
    merchantId,
    input: { orderNumber: "#1003", lines: [{ sku: "SOCK", quantity: 2 }] },
    actor: apiActor,
    now: day(9),
  });
  const mixed = await placeOrder(db, merchantId, "#1006", [{ sku: "SOCK", quantity: 2 }], day(10));
  ids.mixedSock = mixed.lines[0]!.id;
  await recordShipment(db, {
    merchantId,
    input: { orderNumber: "#1006", lines: [{ sku: "SOCK", quantity: 1 }] },
    actor: apiActor,
    now: day(11),
  });
  await cancelLines(db, { merchantId, orderId: mixed.orderId, actor: apiActor, now: day(12), includeReady: true });
  // A shopper cancels a waiting BOOT line: the queue moves, the merchant's endpoint hears of it.
  const cancelled = await placeOrder(db, merchantId, "#1007", [{ sku: "BOOT", quantity: 1 }], day(13));
  await cancelLines(db, {
    merchantId,
    orderId: cancelled.orderId,
    actor: { type: "shopper", id: "n1007@shopper.example" },
    now: day(14),
  });
  ids.cancelledBoot = cancelled.lines[0]!.id;
});

afterAll(async () => {
  await database?.close();
});

describe("the drills' invariant check", () => {
  it("reads a world made through the domain functions as green", async () => {
    const found = await checkInvariants(database.db, {
      emailDeliveries: [],
      webhookReceipts: [],
      stockBefore: await takeStockSnapshot(database.db),
    });
    expect(found).toEqual([]);
    // The world has what the checks look at.
    const [counts] = await rows<Record<string, number>>(
      database.db,
      sql`select (select count(*)::int from shipment_lines) as shipped, (select count(*)::int from purchase_order_receipts) as receipts,
                 (select count(*)::int from eta_events where reason <> 'initial') as moves, (select count(*)::int from webhook_deliveries) as webhooks,
                 (select count(*)::int from notifications) as emails`,
    );
    expect(counts).toMatchObject({ shipped: 2, receipts: 1 });
    // Every published event reaches the endpoint (lib/events/catalogue.ts): intake, ETA moves, shipments, the cancel.
    const types = await rows<{ event_type: string }>(
      database.db,
      sql`select distinct event_type from webhook_deliveries order by event_type`,
    );
    expect(types.map((t) => t.event_type)).toEqual([
      "line.eta_changed",
      "line.ready",
      "order.backordered",
      "order_line.cancelled",
      "shipment.created",
    ]);
    expect(counts!.webhooks).toBe(16);
    expect(counts!.moves).toBeGreaterThan(0);
    expect(counts!.emails).toBeGreaterThan(5);
  });

  it("reports promised units that no line holds", async () => {
    const found = await violationsAfter(
      sql`update skus set on_hand = on_hand + 1, allocated = allocated + 1 where code = 'SOCK'`,
    );
    expectViolation(found, "units", /SKU SOCK .* counts \d+ unit\(s\) as promised, but its open lines hold \d+/);
  });

  it("reports shipped units that no shipment carries, and received units that no receipt records", async () => {
    const found = await violationsAfter([
      sql`update shipment_lines set quantity = quantity + 1 where order_line_id in (select id from order_lines where sku_code = 'SOCK' and quantity = 2 and cancelled_quantity = 0)`,
      sql`update purchase_order_receipts set quantity = quantity + 1`,
    ]);
    expectViolation(found, "units", /counts 2 unit\(s\) shipped, but its shipments carry 3/);
    expectViolation(found, "units", /PO PO-1 counts 2 unit\(s\) of BOOT received, but its receipts add up to 3/);
  });

  it("reports stock that appeared or vanished against the snapshot taken before", async () => {
    const found = await violationsAfter(sql`update skus set on_hand = on_hand + 5 where code = 'SOCK'`, async (tx) => ({
      stockBefore: await takeStockSnapshot(tx),
    }));
    expectViolation(
      found,
      "units",
      /SKU SOCK had \d+ on hand before the drill and \d+ after, but 0 were received and 0 shipped since/,
    );
  });

  it("reports free stock left idle while a line waits", async () => {
    const found = await violationsAfter(sql`update skus set on_hand = on_hand + 1 where code = 'JACKET'`);
    expectViolation(
      found,
      "first_come_first_served",
      new RegExp(`SKU JACKET has 1 free unit\\(s\\) on hand while line ${ids.firstJacket} .* waits`),
    );
  });

  it("reports a later line holding units while an earlier one waits", async () => {
    const found = await violationsAfter([
      sql`update order_lines set allocated_quantity = 0 where id = ${ids.firstJacket}`,
      sql`update order_lines set allocated_quantity = 1, status = 'ready' where id = ${ids.secondJacket}`,
    ]);
    expectViolation(
      found,
      "first_come_first_served",
      new RegExp(
        `line ${ids.secondJacket} .* holds 1 promised unit\\(s\\) while line ${ids.firstJacket} .* still waits`,
        "i",
      ),
    );
  });

  it("reports a line that reads cancelled but shipped, and shipments of cancelled units", async () => {
    const statusFlip = await violationsAfter(
      sql`update order_lines set status = 'cancelled' where id = ${ids.mixedSock}`,
    );
    expectViolation(
      statusFlip,
      "cancelled_and_shipped",
      new RegExp(`line ${ids.mixedSock} .* reads cancelled, yet 1 of its units shipped`, "i"),
    );
    const shippedCancelled = await violationsAfter(
      sql`update shipment_lines set quantity = 2 where order_line_id = ${ids.mixedSock}`,
    );
    expectViolation(
      shippedCancelled,
      "cancelled_and_shipped",
      /its shipments carry 2 unit\(s\), but 1 of its 2 were cancelled/,
    );
  });

  it("reports a committed event whose email is missing from the outbox", async () => {
    const cancel = await violationsAfter(
      sql`delete from notifications where kind = 'cancelled' and payload -> 'lines' -> 0 ->> 'lineId' = ${String(ids.cancelledBoot)}`,
    );
    expectViolation(
      cancel,
      "outbox",
      new RegExp(`line_cancelled of line ${ids.cancelledBoot} .* committed without its email`),
    );
    const shipped = await violationsAfter(sql`delete from notifications where kind = 'shipped'`);
    expectViolation(shipped, "outbox", /line_shipped of line \d+ .* committed without its email/);
    const backordered = await violationsAfter(sql`delete from notifications where kind = 'backordered'`);
    expectViolation(backordered, "outbox", /line_backordered of line \d+ .* committed without its email/);
    const eta = await violationsAfter(sql`delete from notifications where kind in ('eta_moved', 'eta_confirmed')`);
    expectViolation(
      eta,
      "outbox",
      /The ETA change \d+ \((po_delayed|po_received|queue_moved)\) of line \d+ .* is in no ETA email/,
    );
  });

  it("reports an email delivered twice, one marked sent but never received, and one received but not marked sent", async () => {
    const [first, second] = await pendingNotifications();
    const twice = await violationsAfter(
      sql`update notifications set status = 'sent', sent_at = now() where id = ${first!.id}`,
      {
        emailDeliveries: [
          { notificationId: first!.id, idempotencyKey: "batch-a" },
          { notificationId: first!.id, idempotencyKey: "batch-b" },
        ],
      },
    );
    expectViolation(
      twice,
      "email_once",
      new RegExp(
        `Notification ${first!.id} reached the email provider 2 times \\(idempotency keys: batch-a, batch-b\\)`,
      ),
    );
    const neverReceived = await violationsAfter(
      sql`update notifications set status = 'sent', sent_at = now() where id = ${second!.id}`,
      { emailDeliveries: [] },
    );
    expectViolation(
      neverReceived,
      "email_once",
      new RegExp(`Notification ${second!.id} .* is marked sent but never reached the email provider`),
    );
    const notMarked = await violationsAfter(sql`select 1`, {
      emailDeliveries: [{ notificationId: second!.id, idempotencyKey: "batch-c" }],
    });
    expectViolation(
      notMarked,
      "email_once",
      new RegExp(`Notification ${second!.id} .* reached the email provider but the outbox still says pending`),
    );
  });

  it("reports a cancel with no webhook delivery, and a delivery marked delivered that the endpoint never acknowledged", async () => {
    const missing = await violationsAfter(
      sql`delete from webhook_deliveries where (payload -> 'data' -> 'line' ->> 'id')::bigint = ${ids.cancelledBoot}`,
    );
    expectViolation(
      missing,
      "webhooks",
      new RegExp(`line_cancelled of line ${ids.cancelledBoot} .* committed without a webhook delivery`),
    );
    const [delivery] = await rows<{ id: string }>(
      database.db,
      sql`select id from webhook_deliveries order by created_at limit 1`,
    );
    const unacknowledged = await violationsAfter(
      sql`update webhook_deliveries set status = 'delivered', delivered_at = now() where id = ${delivery!.id}`,
      {
        webhookReceipts: [{ webhookId: delivery!.id, answeredWith: "hang" }],
      },
    );
    expectViolation(
      unacknowledged,
      "webhooks",
      new RegExp(`Webhook ${delivery!.id} .* is marked delivered, but the endpoint never answered it with a 2xx`),
    );
    const twice = await violationsAfter(
      sql`update webhook_deliveries set status = 'delivered', delivered_at = now() where id = ${delivery!.id}`,
      {
        webhookReceipts: [
          { webhookId: delivery!.id, answeredWith: 200 },
          { webhookId: delivery!.id, answeredWith: 204 },
        ],
      },
    );
    expectViolation(twice, "webhooks", new RegExp(`Webhook ${delivery!.id} was delivered \\(answered 2xx\\) 2 times`));
  });
});
