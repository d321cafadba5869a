import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rows, type DbOrTx } from "../lib/db/client";
import { addDays, daysBetween } from "../lib/dates";
import { honestyFigures, shippedLines, type ShippedLine } from "../lib/eta/honesty";
import { recomputeEta, type EtaChange } from "../lib/eta/recompute";
import { freshDatabase, type TestDatabase } from "../testing/db";
import { simulate, type SimResult } from "./honesty/simulate";
import { dateOf, fullConfig, instantOf, planWorld, type SimConfig, type WorldPlan } from "./honesty/world";

// A short run of the honesty simulation (PGlite by default, PostgreSQL with DATABASE_URL): the
// books of allocation must hold on the days it checks, and the figures must be the engine's own.

const config: SimConfig = {
  ...fullConfig,
  seed: 4,
  days: 16,
  drainDays: 45,
  skus: 10,
  suppliersPerBehaviour: 1,
  meanDailyOrders: 0.6,
  historyDays: 40,
  partialReceiptShare: 0.2,
  replayedVendors: [{ name: "Replayed", slips: [0, 0, -2, 4, 0, 1, 0, 12] }],
};

class RolledBack extends Error {
  constructor(readonly changes: EtaChange[]) {
    super("rolled back");
  }
}

let database: TestDatabase;
let world: WorldPlan;
let result: SimResult;
let lines: ShippedLine[];
const checkedDays: number[] = [];

/** The invariants of allocation, read straight from the tables. */
async function checkBooks(db: DbOrTx, merchantId: string, day: number) {
  const skus = await rows<{ id: string; code: string; on_hand: number; allocated: number }>(
    db,
    sql`select id, code, on_hand, allocated from skus where merchant_id = ${merchantId} order by code`,
  );
  const open = await rows<{ id: string; sku_id: string; need: number; allocated_quantity: number; status: string }>(
    db,
    sql`select id, sku_id, quantity - shipped_quantity - cancelled_quantity - allocated_quantity as need, allocated_quantity, status
        from order_lines where merchant_id = ${merchantId} and status in ('backordered', 'ready', 'preorder')
        order by placed_at, id`,
  );
  for (const sku of skus) {
    const queue = open.filter((l) => l.sku_id === sku.id);
    // Promised units are exactly what the open lines hold, and never more than is on the shelf.
    expect(
      queue.reduce((n, l) => n + Number(l.allocated_quantity), 0),
      `allocated of ${sku.code} on day ${day}`,
    ).toBe(Number(sku.allocated));
    expect(Number(sku.allocated)).toBeLessThanOrEqual(Number(sku.on_hand));
    // First come first served: no line holds stock while an earlier one still waits.
    queue.forEach((l, i) => {
      if (Number(l.allocated_quantity) > 0) {
        expect(
          queue.slice(0, i).every((earlier) => Number(earlier.need) === 0),
          `line ${l.id} served out of turn on day ${day}`,
        ).toBe(true);
      }
    });
    // Free stock never sits beside a waiting shopper.
    if (queue.some((l) => Number(l.need) > 0))
      expect(Number(sku.on_hand) - Number(sku.allocated), `free ${sku.code} on day ${day}`).toBe(0);
  }
  // Units are conserved: the day-0 count plus receipts since, less shipped units.
  const [flow] = await rows<{ on_hand: number; counted: number; received: number; shipped: number }>(
    db,
    sql`select (select sum(on_hand) from skus where merchant_id = ${merchantId})::int as on_hand,
               (select sum((after->>'onHand')::int) from audit_log where merchant_id = ${merchantId} and action = 'stock.set')::int as counted,
               (select coalesce(sum(quantity), 0) from purchase_order_receipts
                 where merchant_id = ${merchantId} and received_at > ${instantOf(config, 0, 5).toISOString()}::timestamptz)::int as received,
               (select coalesce(sum(sl.quantity), 0) from shipment_lines sl join shipments s on s.id = sl.shipment_id
                 where s.merchant_id = ${merchantId})::int as shipped`,
  );
  expect(flow!.on_hand, `units on day ${day}`).toBe(flow!.counted + flow!.received - flow!.shipped);
  // Recomputing every window from scratch (and rolling it back) changes only windows that went
  // stale because the clock moved on: those whose first possible ship day has passed. Any other
  // change would mean the incremental books were wrong.
  const firstShipDay = addDays(dateOf(config, day), config.handlingDays);
  const changes = await db
    .transaction(async (tx) => {
      const found = await recomputeEta(tx, {
        skuIds: skus.map((s) => s.id),
        cause: "queue_moved",
        now: instantOf(config, day, 22.5),
      });
      throw new RolledBack(found);
    })
    .catch((error: unknown) => {
      if (error instanceof RolledBack) return error.changes;
      throw error;
    });
  for (const change of changes) {
    expect(
      change.oldShipStart !== null && change.oldShipStart < firstShipDay,
      `line ${change.lineId} re-dated on day ${day}: ${JSON.stringify(change)}`,
    ).toBe(true);
  }
  checkedDays.push(day);
}

beforeAll(async () => {
  database = await freshDatabase();
  world = planWorld(config);
  result = await simulate(database.db, world, {
    afterDay: async (merchantId, day) => {
      if (day % 5 === 4) await checkBooks(database.db, merchantId, day);
    },
  });
  lines = await shippedLines(database.db, result.merchantId);
}, 240_000);

afterAll(async () => {
  await database.close();
});

describe("honesty simulation (short run)", () => {
  it("plays a whole world through the domain: orders, POs, receipts, slips, cancels and shipments", () => {
    const { counts } = result;
    expect(counts.orders).toBe(world.ordersByDay.flat().length);
    expect(counts.purchaseOrders).toBeGreaterThan(10);
    expect(counts.receipts).toBeGreaterThanOrEqual(counts.purchaseOrders - 2);
    expect(counts.dateChanges).toBeGreaterThan(0);
    expect(counts.shipments).toBeGreaterThan(counts.orders / 2);
    expect(counts.openLinesAtEnd).toBe(0);
    expect(checkedDays.length).toBeGreaterThanOrEqual(5);
    expect(lines.filter((l) => l.waited).length).toBeGreaterThan(20);
  });

  it("catches broken books: a promised unit no line holds, a unit from nowhere", async () => {
    const { db } = database;
    const day = config.days + config.drainDays - 1;
    const [line] = await rows<{ id: string; sku_id: string }>(
      db,
      sql`select id, sku_id from order_lines where merchant_id = ${result.merchantId} and status = 'shipped' order by id limit 1`,
    );
    const corrupt = async (change: (tx: DbOrTx) => Promise<unknown>) =>
      db
        .transaction(async (tx) => {
          await change(tx);
          await checkBooks(tx, result.merchantId, day);
          throw new RolledBack([]);
        })
        .then(
          () => "passed",
          (error: unknown) => (error instanceof RolledBack ? "passed" : "caught"),
        );
    expect(
      await corrupt((tx) =>
        tx.execute(sql`update skus set allocated = allocated + 1, on_hand = on_hand + 1 where id = ${line!.sku_id}`),
      ),
    ).toBe("caught");
    expect(
      await corrupt((tx) => tx.execute(sql`update skus set on_hand = on_hand + 1 where id = ${line!.sku_id}`)),
    ).toBe("caught");
    expect(await corrupt(async () => undefined)).toBe("passed");
  });

  it("takes each line's first window from the line and its ETA history, which agree", () => {
    const waited = lines.filter((l) => l.waited);
    for (const line of waited) {
      expect([line.firstStart, line.firstEnd], `line ${line.lineId}`).toEqual([
        line.historyFirstStart,
        line.historyFirstEnd,
      ]);
    }
  });

  it("scores lines by hand from eta_events and shipments the same as the figures do", async () => {
    const { db } = database;
    const waited = lines.filter((l) => l.waited);
    const sample = [waited[0]!, waited[Math.floor(waited.length / 2)]!, waited.at(-1)!];
    for (const line of sample) {
      const events = await rows<{
        new_ship_start: string | null;
        new_ship_end: string | null;
        new_basis: string;
        basis_date: string | null;
        at: string;
      }>(
        db,
        sql`select new_ship_start::text, new_ship_end::text, new_basis, basis_date::text, (at at time zone 'UTC')::date::text as at
            from eta_events where order_line_id = ${line.lineId} order by at, id`,
      );
      const [shipped] = await rows<{ day: string }>(
        db,
        sql`select (max(s.shipped_at) at time zone 'UTC')::date::text as day
            from shipment_lines sl join shipments s on s.id = sl.shipment_id where sl.order_line_id = ${line.lineId}`,
      );
      const firstDated = events.findIndex((e) => e.new_ship_start !== null);
      const first = events[firstDated]!;
      expect(line.shippedOn).toBe(shipped!.day);
      expect([line.firstStart, line.firstEnd]).toEqual([first.new_ship_start, first.new_ship_end]);
      expect(line.changes).toBe(events.length - 1 - firstDated);
      expect(line.everUnknown).toBe(events.some((e) => e.new_basis === "unknown"));
      // The single date a typical tool shows: the basis date (not before that day) plus handling.
      const basis = first.basis_date! > first.at ? first.basis_date! : first.at;
      expect(line.singleDate).toBe(addDays(basis, config.handlingDays));
      const inside = shipped!.day >= first.new_ship_start! && shipped!.day <= first.new_ship_end!;
      expect(honestyFigures([line], "ours").hit).toBe(inside ? 1 : 0);
      expect(honestyFigures([line], "ours").medianWidth).toBe(
        daysBetween(first.new_ship_start!, first.new_ship_end!) + 1,
      );
    }
  });

  it("reads the figures from the records: a first window changed in the table changes the hit rate", async () => {
    const { db } = database;
    const before = honestyFigures(lines, "ours");
    const hit = lines.find((l) => l.waited && l.shippedOn >= l.firstStart! && l.shippedOn <= l.firstEnd!)!;
    const day = addDays(hit.shippedOn, 1);
    await db.execute(
      sql`update order_lines set first_ship_start = ${day}::date, first_ship_end = ${day}::date where id = ${hit.lineId}`,
    );
    const after = honestyFigures(await shippedLines(db, result.merchantId), "ours");
    expect(after.lines).toBe(before.lines);
    expect(Math.round(after.hit * after.lines)).toBe(Math.round(before.hit * before.lines) - 1);
    expect(Math.round(after.early * after.lines)).toBe(Math.round(before.early * before.lines) + 1);
  });
});
