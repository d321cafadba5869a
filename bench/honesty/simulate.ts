import { sql } from "drizzle-orm";
import type { Actor } from "../../lib/audit/actor";
import { rows, type Db } from "../../lib/db/client";
import { products, skus } from "../../lib/db/schema/catalog";
import { merchants } from "../../lib/db/schema/merchants";
import { suppliers } from "../../lib/db/schema/supply";
import { daysBetween, type IsoDate } from "../../lib/dates";
import { DomainError } from "../../lib/errors";
import { refreshOverdueEtas } from "../../lib/eta/sweep";
import { cancelLines } from "../../lib/orders/cancel";
import { upsertOrder } from "../../lib/orders/intake";
import { recordShipment } from "../../lib/orders/ship";
import { changeExpectedDate, receivePurchaseOrder, upsertPurchaseOrder } from "../../lib/supply/purchase-orders";
import { setStockLevels } from "../../lib/supply/stock";
import { dateOf, instantOf, type Behaviour, type WorldPlan } from "./world";

// Plays the planned world through the real domain functions with a controllable clock: orders go
// through upsertOrder, POs through upsertPurchaseOrder / changeExpectedDate / receivePurchaseOrder,
// shoppers cancel with cancelLines, the warehouse ships with recordShipment, and the worker's
// refreshOverdueEtas re-dates windows the calendar overtook (only its first run each day finds any). The simulator only
// decides what the outside world does (when goods arrive, who orders, who loses patience); every
// window, queue and allocation is the engine's.

const api: Actor = { type: "api", id: "honesty-sim" };

export type SimCounts = {
  orders: number;
  shipments: number;
  cancelledLines: number;
  cancelRefused: number;
  purchaseOrders: number;
  receipts: number;
  dateChanges: number;
  daysRun: number;
  openLinesAtEnd: number;
};

export type SimResult = {
  merchantId: string;
  timings: SimTimings;
  /** Supplier id to its behaviour: the ground truth the figures are grouped by. */
  behaviourBySupplier: Map<string, Behaviour>;
  counts: SimCounts;
};

type PoState = {
  reference: string;
  supplier: number;
  expected: IsoDate;
  /** Day (run index) the goods come. */
  arrivalDay: number;
  announceDay: number | null;
  lines: { sku: string; quantity: number; received: number }[];
  partial: boolean;
  done: boolean;
};

/** A uniform number in [0, 1) from a few integers: the same question gets the same answer in every run. */
export function hashUniform(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part & 0xffff), 0x01000193);
    h = Math.imul(h ^ (part >>> 16), 0x01000193);
  }
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  h ^= h >>> 15;
  return (h >>> 0) / 4294967296;
}

export type SimOptions = {
  log?: (message: string) => void;
  /** Called after each day's last event (the PO review at 22:00), for checks between days. */
  afterDay?: (merchantId: string, day: number) => Promise<void>;
};

/** Milliseconds spent in each kind of domain call, and how many there were. */
export type SimTimings = Record<string, { calls: number; ms: number }>;

export async function simulate(db: Db, world: WorldPlan, options: SimOptions = {}): Promise<SimResult> {
  const { config } = world;
  const timings: SimTimings = {};
  const timed = async <T>(kind: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      const entry = (timings[kind] ??= { calls: 0, ms: 0 });
      entry.calls++;
      entry.ms += performance.now() - started;
    }
  };
  const counts: SimCounts = {
    orders: 0,
    shipments: 0,
    cancelledLines: 0,
    cancelRefused: 0,
    purchaseOrders: 0,
    receipts: 0,
    dateChanges: 0,
    daysRun: 0,
    openLinesAtEnd: 0,
  };

  // The catalogue is set up directly, as a merchant's import would; everything after goes
  // through the domain.
  const [merchant] = await db
    .insert(merchants)
    .values({
      slug: `honesty-${config.seed}`,
      name: "Honesty Simulation Shop",
      supportEmail: "help@honesty.example",
      timezone: "UTC",
      handlingDays: config.handlingDays,
      defaultSlipDays: config.defaultSlipDays,
      createdAt: instantOf(config, -1, 12),
    })
    .returning();
  const merchantId = merchant!.id;
  const supplierRows = await db
    .insert(suppliers)
    .values(world.suppliers.map((s) => ({ merchantId, name: s.name, createdAt: instantOf(config, -1, 12) })))
    .returning({ id: suppliers.id, name: suppliers.name });
  const supplierIds = world.suppliers.map((s) => supplierRows.find((r) => r.name === s.name)!.id);
  const behaviourBySupplier = new Map(world.suppliers.map((s, i) => [supplierIds[i]!, s.behaviour]));
  const [product] = await db
    .insert(products)
    .values({ merchantId, handle: "catalogue", title: "Catalogue" })
    .returning();
  await db.insert(skus).values(
    world.skus.map((s) => ({
      merchantId,
      productId: product!.id,
      code: s.code,
      title: `Item ${s.code}`,
      priceMinor: 2500,
      currency: "USD",
      supplierId: supplierIds[s.supplier]!,
    })),
  );
  const meanQuantity = 1.25;
  const prior = world.skus.map((s) => s.baseRate * meanQuantity);
  const pos: PoState[] = [];
  const poCount = world.suppliers.map(() => 0);
  const openLines = async () =>
    Number(
      (
        await rows<{ open: number }>(
          db,
          sql`select count(*)::int as open from order_lines
        where merchant_id = ${merchantId} and status in ('backordered', 'ready', 'preorder')`,
        )
      )[0]!.open,
    );

  const placePo = async (day: number, index: number, lines: { sku: string; quantity: number }[]) => {
    const supplier = world.suppliers[index]!;
    const poIndex = poCount[index]!++;
    const fate = supplier.fate(poIndex);
    const reference = `PO-${index + 1}-${poIndex + 1}`;
    const expected = dateOf(config, day + supplier.leadDays);
    // Goods cannot come before the PO is placed; a replayed early delivery lands on the next day.
    const arrivalDay = Math.max(day + 1, day + supplier.leadDays + fate.slipDays);
    const announceDay =
      fate.announceDaysBefore === null ? null : Math.max(day + 1, day + supplier.leadDays - fate.announceDaysBefore);
    await timed("upsertPurchaseOrder", () =>
      upsertPurchaseOrder(db, {
        merchantId,
        input: { reference, supplier: supplier.name, expectedDate: expected, lines },
        actor: api,
        now: instantOf(config, day, 22),
      }),
    );
    counts.purchaseOrders++;
    pos.push({
      reference,
      supplier: index,
      expected,
      arrivalDay,
      announceDay: announceDay !== null && announceDay < arrivalDay ? announceDay : null,
      lines: lines.map((l) => ({ ...l, received: 0 })),
      partial: hashUniform(config.seed, index, poIndex, 5) < config.partialReceiptShare,
      done: false,
    });
  };

  // The merchant did business before the portal: each supplier has a few weeks of POs behind it,
  // placed weekly and received as that supplier does, so its track record exists on day 0.
  const history: { day: number; supplier: number }[] = [];
  world.suppliers.forEach((supplier, index) => {
    if (!world.skus.some((s) => s.supplier === index)) return;
    for (
      let day = -config.historyDays + supplier.reviewOffset;
      day + supplier.leadDays < 0;
      day += supplier.reviewEveryDays
    ) {
      history.push({ day, supplier: index });
    }
  });
  const firstSkuOf = (index: number) => world.skus.find((s) => s.supplier === index)!.code;

  const lastDay = config.days + config.drainDays;
  for (let day = -config.historyDays; day < lastDay; day++) {
    const today = dateOf(config, day);
    const ordering = day >= 0 && day < config.days;
    if (day > config.days && (await openLines()) === 0) break;
    if (day >= 0) counts.daysRun = day + 1;
    if (day === 0) {
      await timed("setStockLevels", () =>
        setStockLevels(db, {
          merchantId,
          input: {
            levels: world.skus.map((s, i) => ({ sku: s.code, onHand: Math.round(prior[i]! * s.initialStockDays) })),
          },
          actor: api,
          now: instantOf(config, 0, 5),
        }),
      );
    }

    // 00:05 the worker's sweep re-dates the windows of late POs on SKUs where nothing happened yet.
    // Its later runs that day find nothing new: only the date makes a window overdue.
    if (day >= 0)
      await timed("refreshOverdueEtas", () => refreshOverdueEtas(db, { now: instantOf(config, day, 5 / 60) }));

    // 06:00 goods arrive.
    for (const po of pos.filter((p) => !p.done && p.arrivalDay === day)) {
      const short = po.partial && po.lines.some((l) => l.received === 0 && l.quantity > 1);
      const input = po.lines
        .filter((l) => l.quantity > l.received)
        .map((l) => ({
          sku: l.sku,
          quantity: short ? Math.max(1, Math.floor((l.quantity - l.received) * 0.6)) : l.quantity - l.received,
        }));
      await timed("receivePurchaseOrder", () =>
        receivePurchaseOrder(db, {
          merchantId,
          reference: po.reference,
          input: { lines: input },
          actor: api,
          now: instantOf(config, day, 6),
        }),
      );
      counts.receipts++;
      for (const line of input) po.lines.find((l) => l.sku === line.sku)!.received += line.quantity;
      if (po.lines.every((l) => l.received === l.quantity)) {
        po.done = true;
      } else {
        // The rest follows on a date the supplier gives now, and it keeps that date.
        const rest = 5 + Math.floor(hashUniform(config.seed, pos.indexOf(po), 17) * 8);
        po.arrivalDay = day + rest;
        po.partial = false;
        po.expected = dateOf(config, day + rest);
        await timed("changeExpectedDate", () =>
          changeExpectedDate(db, {
            merchantId,
            reference: po.reference,
            expectedDate: po.expected,
            note: "Rest of the order follows",
            actor: api,
            now: instantOf(config, day, 6.5),
          }),
        );
        counts.dateChanges++;
      }
    }

    // 07:00 suppliers that know they will be late say so.
    for (const po of pos.filter((p) => !p.done && p.announceDay === day)) {
      po.announceDay = null;
      po.expected = dateOf(config, po.arrivalDay);
      await timed("changeExpectedDate", () =>
        changeExpectedDate(db, {
          merchantId,
          reference: po.reference,
          expectedDate: po.expected,
          note: "Production delay",
          actor: api,
          now: instantOf(config, day, 7),
        }),
      );
      counts.dateChanges++;
    }

    if (day < 0) {
      for (const past of history.filter((h) => h.day === day))
        await placePo(day, past.supplier, [{ sku: firstSkuOf(past.supplier), quantity: 10 }]);
      continue;
    }

    // 08:00 the warehouse ships every line that is ready and due (its window has started).
    const due = await rows<{ number: string; sku_code: string; units: number }>(
      db,
      sql`select o.number, l.sku_code, l.allocated_quantity as units
          from order_lines l join orders o on o.id = l.order_id
          where l.merchant_id = ${merchantId} and l.status = 'ready' and l.ship_start <= ${today}::date
          order by l.id`,
    );
    const parcels = new Map<string, { sku: string; quantity: number }[]>();
    for (const line of due) {
      const parcel = parcels.get(line.number) ?? [];
      parcel.push({ sku: line.sku_code, quantity: Number(line.units) });
      parcels.set(line.number, parcel);
    }
    let parcelIndex = 0;
    for (const [orderNumber, lines] of parcels) {
      const at = instantOf(config, day, 8 + parcelIndex / 3600);
      await timed("recordShipment", () =>
        recordShipment(db, {
          merchantId,
          input: {
            orderNumber,
            lines,
            carrier: "UPS",
            trackingNumber: `1Z${day}X${parcelIndex}`,
            externalId: `${orderNumber}-${day}`,
          },
          actor: api,
          now: at,
        }),
      );
      parcelIndex++;
      counts.shipments++;
    }

    // 09:00–21:00 shoppers order; at noon, some of those who wait lose patience.
    const orders = ordering ? world.ordersByDay[day]! : [];
    const noon = instantOf(config, day, 12);
    let cancelsDone = false;
    const cancelNow = async () => {
      cancelsDone = true;
      const impatient = await impatientShoppers(db, merchantId, config.seed, day, today, instantOf(config, day, 0));
      for (const [i, line] of impatient.entries()) {
        try {
          await timed("cancelLines", () =>
            cancelLines(db, {
              merchantId,
              orderId: line.order_id,
              lineIds: [Number(line.id)],
              actor: { type: "shopper", id: line.email },
              now: new Date(noon.getTime() + i * 1000),
              reason: "Did not want to wait",
            }),
          );
          counts.cancelledLines++;
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          counts.cancelRefused++;
        }
      }
    };
    for (const order of orders) {
      if (!cancelsDone && order.at >= noon) await cancelNow();
      await timed("upsertOrder", () =>
        upsertOrder(db, {
          merchantId,
          input: {
            number: order.number,
            email: order.email,
            lines: order.lines,
            placedAt: order.at.toISOString(),
            channel: "web",
          },
          actor: api,
          now: order.at,
        }),
      );
      counts.orders++;
    }
    if (!cancelsDone) await cancelNow();

    // 22:00 the buyer reviews stock and places POs: each supplier on its review day, and any
    // supplier whose SKUs have waiting shoppers no PO covers.
    const planning = await rows<{ code: string; free: number; on_order: number; backlog: number; recent: number }>(
      db,
      sql`select s.code, s.on_hand - s.allocated as free,
                 coalesce(po.units, 0)::int as on_order, coalesce(q.units, 0)::int as backlog, coalesce(d.units, 0)::int as recent
          from skus s
          left join (select pol.sku_id, sum(pol.quantity - pol.received_quantity) as units
                     from purchase_order_lines pol join purchase_orders p on p.id = pol.purchase_order_id
                     where p.merchant_id = ${merchantId} and p.status in ('open', 'partially_received') group by pol.sku_id) po on po.sku_id = s.id
          left join (select sku_id, sum(quantity - shipped_quantity - cancelled_quantity - allocated_quantity) as units
                     from order_lines where merchant_id = ${merchantId} and status in ('backordered', 'preorder') group by sku_id) q on q.sku_id = s.id
          left join (select sku_id, sum(quantity) as units from order_lines
                     where merchant_id = ${merchantId} and placed_at >= ${instantOf(config, day - 13, 0).toISOString()}::timestamptz
                     group by sku_id) d on d.sku_id = s.id
          where s.merchant_id = ${merchantId}
          order by s.code`,
    );
    const bySupplier = new Map<number, { sku: string; quantity: number }[]>();
    for (const row of planning) {
      const index = world.skus.findIndex((s) => s.code === row.code);
      const plan = world.skus[index]!;
      const supplier = world.suppliers[plan.supplier]!;
      // Trailing two weeks of sales, topped up with the merchant's prior while there are fewer.
      const observed = Math.min(14, day + 1);
      const forecast = (Number(row.recent) + prior[index]! * (14 - observed)) / 14;
      const position = Number(row.free) + Number(row.on_order) - Number(row.backlog);
      const reviewDay = (day + supplier.reviewOffset) % supplier.reviewEveryDays === 0;
      const uncovered = Number(row.backlog) > Number(row.free) + Number(row.on_order);
      const reorderPoint = forecast * (supplier.leadDays + supplier.reviewEveryDays) * plan.leanness;
      if (!uncovered && !(reviewDay && position <= reorderPoint && forecast > 0)) continue;
      const target = reorderPoint + forecast * plan.cycleDays;
      const quantity = Math.max(5, Math.ceil((target - position) / 5) * 5);
      const lines = bySupplier.get(plan.supplier) ?? [];
      lines.push({ sku: row.code, quantity });
      bySupplier.set(plan.supplier, lines);
    }
    for (const [index, lines] of [...bySupplier].sort((a, b) => a[0] - b[0])) await placePo(day, index, lines);
    await options.afterDay?.(merchantId, day);
    if (options.log && day % 30 === 29)
      options.log(`day ${day + 1}: ${counts.orders} orders, ${counts.shipments} parcels, ${counts.purchaseOrders} POs`);
  }
  counts.openLinesAtEnd = await openLines();
  return { merchantId, timings, behaviourBySupplier, counts };
}

/**
 * Shoppers whose line waits decide at noon whether to give up. Patience runs out faster when the
 * page says there is no confirmed date, when the date has been pushed, and when it is far away:
 * what they see is the engine's, so an honest window keeps more of them.
 */
async function impatientShoppers(
  db: Db,
  merchantId: string,
  seed: number,
  day: number,
  today: IsoDate,
  midnight: Date,
) {
  const waiting = await rows<{
    id: string;
    order_id: string;
    email: string;
    eta_basis: string;
    eta_pushes: number;
    ship_end: string | null;
  }>(
    db,
    sql`select l.id, l.order_id, o.email, l.eta_basis, l.eta_pushes, l.ship_end::text
        from order_lines l join orders o on o.id = l.order_id
        where l.merchant_id = ${merchantId} and l.status = 'backordered' and l.placed_at < ${midnight.toISOString()}::timestamptz
        order by l.id`,
  );
  return waiting.filter((line) => {
    const farAway = line.ship_end !== null && daysBetween(today, line.ship_end) > 28;
    const hazard =
      0.006 +
      (line.eta_basis === "unknown" ? 0.03 : 0) +
      Math.min(3, Number(line.eta_pushes)) * 0.02 +
      (farAway ? 0.01 : 0);
    return hashUniform(seed, Number(line.id), day, 3) < hazard;
  });
}
