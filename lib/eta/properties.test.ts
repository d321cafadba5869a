import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { and, asc, eq, inArray } from "drizzle-orm";
import { skus } from "../db/schema/catalog";
import { orderLines, orders } from "../db/schema/orders";
import { purchaseOrderLines, purchaseOrders, suppliers } from "../db/schema/supply";
import { addDays, dateIn, daysBetween } from "../dates";
import { DomainError } from "../errors";
import { cancelLines } from "../orders/cancel";
import { upsertOrder } from "../orders/intake";
import { recordShipment } from "../orders/ship";
import { cancelPurchaseOrder, changeExpectedDate, receivePurchaseOrder } from "../supply/purchase-orders";
import { setStockLevels } from "../supply/stock";
import { fileDatabase } from "../../testing/db";
import { apiActor, createMerchant, createPo, createSku } from "../../testing/fixtures";
import { recomputeEta } from "./recompute";

const database = fileDatabase();

const codes = ["A", "B", "C"] as const;
type Op =
  | { kind: "order"; sku: number; quantity: number; second: number | null; hoursEarlier: number }
  | { kind: "po"; sku: number; quantity: number; day: number }
  | { kind: "slip"; po: number; day: number }
  | { kind: "receive"; po: number; quantity: number }
  | { kind: "cancelPo"; po: number }
  | { kind: "cancel"; line: number }
  | { kind: "ship"; order: number }
  | { kind: "stock"; sku: number; onHand: number };

const sku = fc.integer({ min: 0, max: 2 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("order" as const),
      sku,
      quantity: fc.integer({ min: 1, max: 3 }),
      second: fc.option(sku, { nil: null }),
      hoursEarlier: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 8 })),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("po" as const),
      sku,
      quantity: fc.integer({ min: 1, max: 6 }),
      day: fc.integer({ min: 20, max: 60 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("slip" as const), po: fc.nat(), day: fc.integer({ min: 20, max: 70 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("receive" as const),
      po: fc.nat(),
      quantity: fc.integer({ min: 1, max: 6 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancelPo" as const), po: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("cancel" as const), line: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("ship" as const), order: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("stock" as const), sku, onHand: fc.integer({ min: 0, max: 6 }) }),
  },
);

const start = Date.UTC(2026, 0, 1, 9);
let run = 0;

/** Plays a random history and checks the engine's books against an independent model. */
export async function play(ops: Op[]) {
  const { db } = database;
  run++;
  const merchant = await createMerchant(db, { handlingDays: 2, defaultSlipDays: 3 });
  const skuIds: string[] = [];
  for (const code of codes) skuIds.push((await createSku(db, merchant.id, { code, onHand: 0 })).id);
  const onHand = [0, 0, 0];
  const pos: { ref: string; sku: number }[] = [];
  const orderNumbers: string[] = [];
  let clock = start;
  const ignoreConflicts = async (work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  };

  // Half an hour a step: a whole history stays within one day, so every window here is the
  // engine's answer to the steps, not to the calendar (the sweep's part, sweep.test.ts).
  for (const [i, step] of ops.entries()) {
    clock += 1_800_000;
    const now = new Date(clock);
    const base = { merchantId: merchant.id, actor: apiActor, now };
    switch (step.kind) {
      case "order": {
        const lines = [{ sku: codes[step.sku]!, quantity: step.quantity }];
        if (step.second !== null && step.second !== step.sku) lines.push({ sku: codes[step.second]!, quantity: 1 });
        const number = `#${run}-${i}`;
        // Now, or placed earlier and sent late (ahead of orders already in the queue).
        const placedAt = new Date(clock - step.hoursEarlier * 3_600_000);
        await upsertOrder(db, {
          ...base,
          input: { number, email: `${number.slice(1)}@shopper.example`, lines, placedAt: placedAt.toISOString() },
        });
        orderNumbers.push(number);
        break;
      }
      case "po": {
        const ref = `PO-${run}-${i}`;
        await createPo(
          db,
          merchant.id,
          ref,
          addDays("2026-01-01", step.day),
          [{ sku: codes[step.sku]!, quantity: step.quantity }],
          now,
        );
        pos.push({ ref, sku: step.sku });
        break;
      }
      case "slip":
        if (pos.length)
          await ignoreConflicts(() =>
            changeExpectedDate(db, {
              ...base,
              reference: pos[step.po % pos.length]!.ref,
              expectedDate: addDays("2026-01-01", step.day),
            }),
          );
        break;
      case "receive":
        if (pos.length) {
          const po = pos[step.po % pos.length]!;
          try {
            await receivePurchaseOrder(db, {
              ...base,
              reference: po.ref,
              input: { lines: [{ sku: codes[po.sku]!, quantity: step.quantity }] },
            });
            onHand[po.sku]! += step.quantity;
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
          }
        }
        break;
      case "cancelPo":
        if (pos.length)
          await ignoreConflicts(() => cancelPurchaseOrder(db, { ...base, reference: pos[step.po % pos.length]!.ref }));
        break;
      case "cancel": {
        const open = await db
          .select()
          .from(orderLines)
          .where(and(eq(orderLines.merchantId, merchant.id), inArray(orderLines.status, ["backordered", "ready"])))
          .orderBy(asc(orderLines.id));
        const line = open[step.line % Math.max(1, open.length)];
        if (line) await cancelLines(db, { ...base, orderId: line.orderId, lineIds: [line.id], includeReady: true });
        break;
      }
      case "ship": {
        const ready = await db
          .select({
            number: orders.number,
            sku: orderLines.skuCode,
            units: orderLines.allocatedQuantity,
            skuId: orderLines.skuId,
          })
          .from(orderLines)
          .innerJoin(orders, eq(orders.id, orderLines.orderId))
          .where(and(eq(orderLines.merchantId, merchant.id), eq(orderLines.status, "ready")))
          .orderBy(asc(orderLines.id));
        const pick = ready[step.order % Math.max(1, ready.length)];
        if (pick) {
          const lines = ready.filter((r) => r.number === pick.number);
          await recordShipment(db, {
            ...base,
            input: { orderNumber: pick.number, lines: lines.map((l) => ({ sku: l.sku, quantity: l.units })) },
          });
          for (const l of lines) onHand[skuIds.indexOf(l.skuId)]! -= l.units;
        }
        break;
      }
      case "stock":
        await setStockLevels(db, { ...base, input: { levels: [{ sku: codes[step.sku]!, onHand: step.onHand }] } });
        onHand[step.sku] = step.onHand;
        break;
    }
  }

  const now = new Date(clock);
  const today = dateIn("UTC", now);
  const stock = await db.select().from(skus).where(eq(skus.merchantId, merchant.id));
  const lines = await db
    .select()
    .from(orderLines)
    .where(eq(orderLines.merchantId, merchant.id))
    .orderBy(asc(orderLines.placedAt), asc(orderLines.id));
  const supply = await db
    .select({
      id: purchaseOrders.id,
      supplierId: purchaseOrders.supplierId,
      skuId: purchaseOrderLines.skuId,
      expected: purchaseOrders.expectedDate,
      placedAt: purchaseOrders.placedAt,
      lineId: purchaseOrderLines.id,
      remaining: purchaseOrderLines.quantity,
      received: purchaseOrderLines.receivedQuantity,
      status: purchaseOrders.status,
    })
    .from(purchaseOrderLines)
    .innerJoin(purchaseOrders, eq(purchaseOrders.id, purchaseOrderLines.purchaseOrderId))
    .where(eq(purchaseOrders.merchantId, merchant.id));

  // Each supplier's slip range as its receipts left it (merchant default 3 days until it has a history).
  const slipBySupplier = new Map(
    (await db.select().from(suppliers).where(eq(suppliers.merchantId, merchant.id))).map((s) => [s.id, s]),
  );

  for (const [index, skuId] of skuIds.entries()) {
    const row = stock.find((s) => s.id === skuId)!;
    const own = lines.filter((l) => l.skuId === skuId);
    const open = own.filter((l) => ["ready", "backordered", "preorder"].includes(l.status));
    // Units are conserved: stock on hand is what the model counted, and promises never exceed it.
    expect(row.onHand, `on hand of ${codes[index]}`).toBe(onHand[index]);
    expect(row.allocated).toBeLessThanOrEqual(row.onHand);
    expect(
      open.reduce((n, l) => n + l.allocatedQuantity, 0),
      `allocated of ${codes[index]}`,
    ).toBe(row.allocated);
    // First come first served: no line holds stock while an earlier one still waits for some,
    // unless that one arrived after it (an order placed earlier but sent late does not take stock
    // already promised).
    const needs = open.map((l) => l.quantity - l.shippedQuantity - l.cancelledQuantity - l.allocatedQuantity);
    open.forEach((l, i) => {
      if (l.allocatedQuantity > 0) {
        expect(
          open.slice(0, i).every((earlier, j) => needs[j] === 0 || earlier.id > l.id),
          `line ${l.id} served before an earlier one`,
        ).toBe(true);
      }
    });
    // Free stock never sits beside a queue.
    if (needs.some((n) => n > 0)) expect(row.onHand - row.allocated).toBe(0);

    // The engine's queue positions and bases match a walk of queue against supply done here.
    const openSupply = supply
      .filter(
        (s) =>
          s.skuId === skuId && (s.status === "open" || s.status === "partially_received") && s.remaining > s.received,
      )
      .sort(
        (a, b) =>
          a.expected.localeCompare(b.expected) || a.placedAt.getTime() - b.placedAt.getTime() || a.lineId - b.lineId,
      );
    let through = 0;
    for (const [i, line] of open.entries()) {
      const need = needs[i]!;
      if (need === 0) {
        expect(line.etaBasis === "stock" || line.status === "ready").toBe(true);
        continue;
      }
      expect(line.queuePosition, `queue position of line ${line.id}`).toBe(through);
      through += need;
      let covered = 0;
      const basis = openSupply.find((s) => (covered += s.remaining - s.received) >= through);
      if (basis) {
        expect(line.etaBasis).toBe("po");
        expect(line.basisPurchaseOrderId).toBe(basis.id);
        // Goods expected from the PO's date plus the supplier's slip floor (never before today) to
        // its date plus the slip allowance, a week further at a time once that has passed; then
        // two handling days.
        const supplier = slipBySupplier.get(basis.supplierId);
        const slip = supplier?.slipAllowanceDays ?? 3;
        const floor = Math.min(supplier?.slipFloorDays ?? 0, slip);
        const earliest = addDays(basis.expected, floor);
        const readyOn = earliest > today ? earliest : today;
        const overdueWeeks = Math.max(0, Math.trunc((daysBetween(addDays(basis.expected, slip), today) + 6) / 7));
        expect(line.shipStart).toBe(addDays(readyOn, 2));
        const readyBy = addDays(basis.expected, slip + 7 * overdueWeeks);
        expect(line.shipEnd).toBe(addDays(readyBy > readyOn ? readyBy : readyOn, 2));
      } else {
        expect(line.etaBasis).toBe("unknown");
        expect(line.shipStart).toBeNull();
      }
    }
  }

  // Recomputing everything from scratch changes nothing: the incremental books were right.
  const changes = await recomputeEta(db, { skuIds, cause: "queue_moved", now });
  if (process.env.PROPERTY_DEBUG && changes.length)
    console.log(
      JSON.stringify(
        {
          changes,
          lines: lines.map((l) => ({
            id: l.id,
            sku: l.skuCode,
            status: l.status,
            basis: l.etaBasis,
            start: l.shipStart,
            end: l.shipEnd,
            basisDate: l.basisDate,
            alloc: l.allocatedQuantity,
            q: l.quantity,
            upd: l.etaUpdatedAt,
          })),
        },
        null,
        1,
      ),
    );
  expect(changes).toEqual([]);
  const after = await db
    .select()
    .from(orderLines)
    .where(eq(orderLines.merchantId, merchant.id))
    .orderBy(asc(orderLines.placedAt), asc(orderLines.id));
  const books = (l: (typeof lines)[number]) => [
    l.id,
    l.shipStart,
    l.shipEnd,
    l.etaBasis,
    l.basisDate,
    l.queuePosition,
    l.linesAhead,
    l.basisPurchaseOrderId,
  ];
  expect(after.map(books)).toEqual(lines.map(books));
}

describe("allocation and ETA properties", () => {
  it.runIf(process.env.PROPERTY_DEBUG)("debug example", async () => {
    await play(JSON.parse(process.env.PROPERTY_DEBUG!));
  });
  // Found by the property below (seed 1650398628): SKU C's PO is partly received, the supplier's
  // third receipt, which gives it a track record of delivering 19 days early. The line still waiting
  // on the rest of that PO kept the window of the old allowance, because the allowance was refreshed
  // after the PO's own SKUs were recomputed.
  it("a receipt that changes the supplier's track record re-dates the lines waiting on the rest of that PO", async () => {
    await play([
      { kind: "po", sku: 0, quantity: 1, day: 20 },
      { kind: "receive", po: 0, quantity: 1 },
      { kind: "po", sku: 2, quantity: 2, day: 20 },
      { kind: "order", sku: 2, quantity: 1, second: null, hoursEarlier: 0 },
      { kind: "po", sku: 0, quantity: 1, day: 20 },
      { kind: "receive", po: 8, quantity: 1 },
      { kind: "slip", po: 0, day: 20 },
      { kind: "order", sku: 2, quantity: 1, second: 0, hoursEarlier: 0 },
      { kind: "receive", po: 530622613, quantity: 1 },
      { kind: "cancel", line: 28309721 },
    ]);
  });
  it("hold over random sequences of orders, POs, slips, receipts, cancels, shipments and stock counts", async () => {
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 28 }), play), {
      numRuns: Number(process.env.PROPERTY_RUNS ?? 30),
      seed: process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : undefined,
    });
  }, 300_000);
});
