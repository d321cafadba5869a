import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Actor } from "../audit/actor";
import { DomainError } from "../errors";
import { rows, type Db } from "../db/client";
import { products, skuSubstitutes, skus } from "../db/schema/catalog";
import { merchants } from "../db/schema/merchants";
import { orderLines, orders } from "../db/schema/orders";
import { suppliers } from "../db/schema/supply";
import { agentMerchants, agents } from "../db/schema/support";
import { addDays, type IsoDate } from "../dates";
import { cancelLines } from "../orders/cancel";
import { upsertOrder } from "../orders/intake";
import { recordShipment } from "../orders/ship";
import { swapLine, swapOptions } from "../orders/swap";
import {
  cancelPurchaseOrder,
  changeExpectedDate,
  receivePurchaseOrder,
  upsertPurchaseOrder,
} from "../supply/purchase-orders";
import { settleSeededOutbox } from "../notifications/demo";
import { setStockLevels } from "../supply/stock";
import { firstNames, lastNames, pastSlips, shops, type ShopStory } from "./catalog";
import { seededRandom } from "./random";

export class SeedRefused extends DomainError {
  override name = "SeedRefused";
}

export type DemoOrder = { merchant: string; number: string; email: string; what: string };
export type DemoSummary = {
  merchants: number;
  skus: number;
  orders: number;
  lines: number;
  agents: { email: string; role: string; merchants: string }[];
  tryThese: DemoOrder[];
  /** A few orders of each kind that browser tests can act on without stepping on each other. */
  samples: {
    cancellable: DemoOrder[];
    swappable: DemoOrder[];
    /** Northwind orders (the demo agent's shop) with a waiting line, oldest first. */
    forAgents: (DemoOrder & { customerName: string; waitingSku: string })[];
    /** Shipped Northwind orders with their tracking numbers. */
    tracked: (DemoOrder & { trackingNumber: string })[];
  };
};

export const demoAgents = [
  { email: "agent@northwind.example", name: "Jo Rivera", role: "agent" as const, merchants: ["northwind"] },
  { email: "admin@portal.example", name: "Sam Okoye", role: "admin" as const, merchants: [] as string[] },
];

const seedActor: Actor = { type: "system", id: "seed" };
const asciiEmail = (name: string) =>
  name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z.]/g, "");

type Action = { at: Date; order: number; run: () => Promise<void> };

/**
 * Fills an empty database with the demo world by playing 60 days of its history through the
 * domain functions with a simulated clock, so windows, queues and ETA histories are real.
 * Deterministic: the same anchor day gives the same data.
 */
export async function seedDemo(db: Db, options: { anchor: IsoDate }): Promise<DemoSummary> {
  const [{ count } = { count: 0 }] = await rows<{ count: number }>(
    db,
    sql`select count(*)::int as count from merchants`,
  );
  if (Number(count) > 0) {
    throw new SeedRefused(
      "conflict",
      "The database already has data; the demo seed only fills an empty database (npm run db:reset starts over).",
    );
  }
  const random = seededRandom(20261126);
  const base = Date.parse(`${options.anchor}T00:00:00Z`);
  const at = (day: number, hour: number, minute = 0) =>
    new Date(base + day * 86_400_000 + (hour * 60 + minute) * 60_000);
  const date = (day: number) => addDays(options.anchor, day);
  const actions: Action[] = [];
  let sequence = 0;
  // Everything in the demo happened before the anchor day began: seeded in the morning, a shopper
  // must not find an email or an audit entry dated later that day.
  const schedule = (when: Date, run: () => Promise<void>) => {
    if (when.getTime() >= base)
      throw new Error(`A demo action is dated ${when.toISOString()}, on or after the anchor day.`);
    actions.push({ at: when, order: sequence++, run });
  };

  const people = firstNames
    .flatMap((first, i) => [first, `${first} ${lastNames[i % lastNames.length]}`])
    .map((_, i) => {
      const first = firstNames[i % firstNames.length]!;
      const last = lastNames[(i * 7) % lastNames.length]!;
      return { name: `${first} ${last}`, email: `${asciiEmail(first)}.${asciiEmail(last)}@example.com` };
    });

  for (const shop of shops) {
    const merchantId = await createShop(db, shop, options.anchor);
    const skuByCode = new Map(
      (await db.select().from(skus).where(eq(skus.merchantId, merchantId))).map((s) => [s.code, s]),
    );

    // Past deliveries of each supplier, so slip allowances come from a track record.
    for (const supplier of shop.suppliers) {
      const sku = shop.skus.find((s) => s.supplier === supplier.name)!;
      for (const [i, slip] of pastSlips[supplier.behaviour].entries()) {
        const ref = `H-${supplier.name.slice(0, 3).toUpperCase()}-${i + 1}`;
        const placed = -150 + i * 14;
        schedule(at(placed, 9), async () => {
          await upsertPurchaseOrder(db, {
            merchantId,
            input: {
              reference: ref,
              supplier: supplier.name,
              expectedDate: date(placed + 30),
              lines: [{ sku: sku.code, quantity: 5 }],
            },
            actor: seedActor,
            now: at(placed, 9),
          });
        });
        schedule(at(placed + 30 + slip, 8), async () => {
          await receivePurchaseOrder(db, {
            merchantId,
            reference: ref,
            input: { lines: [{ sku: sku.code, quantity: 5 }] },
            actor: seedActor,
            now: at(placed + 30 + slip, 8),
          });
        });
      }
    }
    schedule(at(-60, 6), async () => {
      await setStockLevels(db, {
        merchantId,
        input: { levels: shop.skus.map((s) => ({ sku: s.code, onHand: s.stock })) },
        actor: seedActor,
        now: at(-60, 6),
      });
    });

    // Purchase orders, their slips, receipts and cancellations.
    for (const sku of shop.skus) {
      for (const po of sku.pos ?? []) {
        const supplier = sku.supplier;
        schedule(at(po.placed, 10), async () => {
          await upsertPurchaseOrder(db, {
            merchantId,
            input: {
              reference: po.ref,
              supplier,
              expectedDate: date(po.expected),
              lines: [{ sku: sku.code, quantity: po.quantity }],
            },
            actor: seedActor,
            now: at(po.placed, 10),
          });
        });
        for (const slip of po.slips ?? []) {
          schedule(at(slip.on, 11), async () => {
            await changeExpectedDate(db, {
              merchantId,
              reference: po.ref,
              expectedDate: date(slip.to),
              note: slip.note,
              actor: { type: "api", id: "seed" },
              now: at(slip.on, 11),
            });
          });
        }
        for (const receipt of po.receipts ?? []) {
          schedule(at(receipt.on, 9), async () => {
            await receivePurchaseOrder(db, {
              merchantId,
              reference: po.ref,
              input: { lines: [{ sku: sku.code, quantity: receipt.quantity }] },
              actor: seedActor,
              now: at(receipt.on, 9),
            });
          });
        }
        if (po.cancelledOn !== undefined) {
          schedule(at(po.cancelledOn, 12), async () => {
            await cancelPurchaseOrder(db, {
              merchantId,
              reference: po.ref,
              actor: seedActor,
              now: at(po.cancelledOn!, 12),
            });
          });
        }
      }
    }

    // Orders over the last 60 days, numbered in the order they were placed.
    const weights = shop.skus.map((s) => [s.code, s.demand] as const);
    const placed = Array.from({ length: shop.orders }, () => ({
      day: random.int(-60, -1),
      minute: random.int(8 * 60, 22 * 60),
    })).sort((a, b) => a.day - b.day || a.minute - b.minute);
    placed.forEach((when, i) => {
      const person = random.chance(0.3) ? people[random.int(0, 11)]! : random.pick(people);
      const lineCount = random.weighted([
        [1, 6],
        [2, 3],
        [3, 1],
      ] as const);
      const codes = new Set<string>();
      while (codes.size < lineCount) codes.add(random.weighted(weights));
      const lines = [...codes].map((code) => ({ sku: code, quantity: random.chance(0.15) ? 2 : 1 }));
      const number = `${shop.numberPrefix}${shop.firstNumber + i}`;
      const time = at(when.day, Math.floor(when.minute / 60), when.minute % 60);
      schedule(time, async () => {
        await upsertOrder(db, {
          merchantId,
          input: {
            number,
            email: person.email,
            customerName: person.name,
            channel: random.chance(0.8) ? "web" : "phone",
            placedAt: time.toISOString(),
            shippingAddress: {
              name: person.name,
              line1: `${random.int(2, 240)} Harbour Street`,
              city: shop.merchant.timezone === "Europe/London" ? "Bristol" : "Portland",
              country: shop.merchant.timezone === "Europe/London" ? "GB" : "US",
            },
            lines,
          },
          actor: { type: "api", id: "seed" },
          now: time,
        });
      });
    });

    // The warehouse ships what is ready every evening (not the last two days: some stays ready).
    for (let day = -59; day <= -2; day++) {
      schedule(at(day, 21), () => shipReady(db, merchantId, shop, at(day, 21), random));
    }

    // Shoppers who gave up waiting, and shoppers who swapped to something in stock.
    const cancels: [number, string][] = [
      [-20, "NW-BAG-REG"],
      [-12, "NW-STOVE"],
      [-6, "LL-LAMP-SND"],
      [-3, "NW-JKT-GRN-M"],
      [-1, "LL-THROW-MST"],
      [-1, "NW-GAITERS"],
    ];
    for (const [day, code] of cancels.filter(([, c]) => skuByCode.has(c))) {
      schedule(at(day, 15), () => cancelOldestWaiting(db, merchantId, skuByCode.get(code)!.id, at(day, 15)));
    }
    const swaps: [number, string, string][] = [
      [-9, "NW-HL400", "NW-HL250"],
      [-4, "NW-JKT-GRN-M", "NW-JKT-BLU-M"],
      [-5, "LL-LAMP-SND", "LL-LAMP-INK"],
      [-2, "LL-DUV-DBL-OAT", "LL-DUV-DBL-SGE"],
      [-2, "NW-HL400", "NW-HL250"],
    ];
    for (const [day, from, to] of swaps.filter(([, f]) => skuByCode.has(f))) {
      schedule(at(day, 16), () =>
        swapOldestWaiting(db, merchantId, skuByCode.get(from)!.id, skuByCode.get(to)!.id, at(day, 16)),
      );
    }
  }

  actions.sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order);
  for (const action of actions) await action.run();
  // The history's mail counts as sent: a fresh demo mails only its last day, not 300 old notices.
  await settleSeededOutbox(db, { before: at(-1, 0) });

  await createAgents(db);
  return summarize(db);
}

/** The demo's product pictures, drawn for it and served from public/. */
export const demoPicture = (code: string) => `/demo/products/${code.toLowerCase()}.svg`;

async function createShop(db: Db, shop: ShopStory, anchor: IsoDate): Promise<string> {
  const [merchant] = await db.insert(merchants).values(shop.merchant).returning({ id: merchants.id });
  const merchantId = merchant!.id;
  for (const supplier of shop.suppliers) await db.insert(suppliers).values({ merchantId, name: supplier.name });
  const supplierIds = new Map(
    (await db.select().from(suppliers).where(eq(suppliers.merchantId, merchantId))).map((s) => [s.name, s.id]),
  );
  for (const sku of shop.skus) {
    const [product] = await db
      .insert(products)
      .values({ merchantId, handle: sku.product, title: sku.title })
      .onConflictDoUpdate({ target: [products.merchantId, products.handle], set: { title: sku.title } })
      .returning({ id: products.id });
    await db.insert(skus).values({
      merchantId,
      productId: product!.id,
      code: sku.code,
      title: sku.title,
      variantTitle: sku.variant ?? null,
      priceMinor: sku.priceMinor,
      imageUrl: demoPicture(sku.code),
      currency: shop.merchant.currency!,
      backorderPolicy: sku.policy ?? "allow",
      releaseDate: sku.release !== undefined ? addDays(anchor, sku.release) : null,
      reorderPoint: 5,
      safetyStock: 2,
      supplierId: supplierIds.get(sku.supplier)!,
    });
  }
  const ids = new Map(
    (await db.select({ id: skus.id, code: skus.code }).from(skus).where(eq(skus.merchantId, merchantId))).map((s) => [
      s.code,
      s.id,
    ]),
  );
  for (const sku of shop.skus) {
    for (const substitute of sku.substitutes ?? []) {
      await db
        .insert(skuSubstitutes)
        .values({ merchantId, skuId: ids.get(sku.code)!, substituteSkuId: ids.get(substitute)! });
    }
  }
  return merchantId;
}

async function shipReady(
  db: Db,
  merchantId: string,
  shop: ShopStory,
  now: Date,
  random: ReturnType<typeof seededRandom>,
) {
  const ready = await db
    .select({
      orderId: orderLines.orderId,
      number: orders.number,
      sku: orderLines.skuCode,
      quantity: orderLines.allocatedQuantity,
    })
    .from(orderLines)
    .innerJoin(orders, eq(orders.id, orderLines.orderId))
    .where(
      and(
        eq(orderLines.merchantId, merchantId),
        eq(orderLines.status, "ready"),
        sql`${orderLines.updatedAt} < ${now.toISOString()}::timestamptz - interval '12 hours'`,
      ),
    )
    .orderBy(asc(orders.placedAt), asc(orderLines.id));
  const byOrder = new Map<string, { number: string; lines: { sku: string; quantity: number }[] }>();
  for (const line of ready) {
    const entry = byOrder.get(line.orderId) ?? { number: line.number, lines: [] };
    entry.lines.push({ sku: line.sku, quantity: line.quantity });
    byOrder.set(line.orderId, entry);
  }
  for (const { number, lines } of byOrder.values()) {
    const tracking = `${shop.carrier.trackingPrefix}${String(random.int(10_000_000, 99_999_999))}${shop.carrier.name === "UPS" ? String(random.int(10, 99)) : "GB"}`;
    await recordShipment(db, {
      merchantId,
      input: {
        orderNumber: number,
        carrier: shop.carrier.name,
        trackingNumber: tracking,
        trackingUrl: shop.carrier.url(tracking),
        lines,
      },
      actor: { type: "api", id: "seed" },
      now,
    });
  }
}

async function oldestWaiting(db: Db, merchantId: string, skuId: string) {
  const [line] = await db
    .select({ id: orderLines.id, orderId: orderLines.orderId, email: orders.email })
    .from(orderLines)
    .innerJoin(orders, eq(orders.id, orderLines.orderId))
    .where(
      and(
        eq(orderLines.merchantId, merchantId),
        eq(orderLines.skuId, skuId),
        inArray(orderLines.status, ["backordered"]),
      ),
    )
    .orderBy(asc(orderLines.placedAt), asc(orderLines.id))
    .limit(1);
  return line;
}

async function cancelOldestWaiting(db: Db, merchantId: string, skuId: string, now: Date) {
  const line = await oldestWaiting(db, merchantId, skuId);
  if (!line) return;
  await cancelLines(db, {
    merchantId,
    orderId: line.orderId,
    lineIds: [line.id],
    actor: { type: "shopper", id: line.email },
    now,
    reason: "No longer needed",
  });
}

async function swapOldestWaiting(db: Db, merchantId: string, fromSkuId: string, toSkuId: string, now: Date) {
  const line = await oldestWaiting(db, merchantId, fromSkuId);
  if (!line) return;
  const options = await swapOptions(db, { merchantId, lineId: line.id });
  if (!options.some((o) => o.skuId === toSkuId)) return;
  await swapLine(db, {
    merchantId,
    orderId: line.orderId,
    lineId: line.id,
    toSkuId,
    actor: { type: "shopper", id: line.email },
    now,
  });
}

async function createAgents(db: Db) {
  const slugs = new Map(
    (await db.select({ id: merchants.id, slug: merchants.slug }).from(merchants)).map((m) => [m.slug, m.id]),
  );
  for (const agent of demoAgents) {
    const [created] = await db
      .insert(agents)
      .values({ email: agent.email, name: agent.name, role: agent.role })
      .returning({ id: agents.id });
    for (const slug of agent.merchants)
      await db.insert(agentMerchants).values({ agentId: created!.id, merchantId: slugs.get(slug)! });
  }
}

async function summarize(db: Db): Promise<DemoSummary> {
  const [counts] = await rows<{ merchants: number; skus: number; orders: number; lines: number }>(
    db,
    sql`select (select count(*)::int from merchants) as merchants, (select count(*)::int from skus) as skus,
               (select count(*)::int from orders) as orders, (select count(*)::int from order_lines) as lines`,
  );
  const showcase: [string, ReturnType<typeof sql>][] = [
    [
      "a rolling backorder (its date moved twice or more)",
      sql`exists (select 1 from order_lines l where l.order_id = o.id and l.eta_pushes >= 2 and l.status = 'backordered')`,
    ],
    [
      "a partial backorder (part shipped, part waiting)",
      sql`exists (select 1 from order_lines l where l.order_id = o.id and l.status = 'shipped') and exists (select 1 from order_lines l where l.order_id = o.id and l.status = 'backordered' and l.eta_basis = 'po')`,
    ],
    [
      "waiting with no confirmed date",
      sql`exists (select 1 from order_lines l where l.order_id = o.id and l.eta_basis = 'unknown' and l.status = 'backordered')`,
    ],
    ["a pre-order", sql`exists (select 1 from order_lines l where l.order_id = o.id and l.status = 'preorder')`],
    ["a swapped item", sql`exists (select 1 from order_lines l where l.order_id = o.id and l.status = 'swapped')`],
    ["fully shipped", sql`not exists (select 1 from order_lines l where l.order_id = o.id and l.status <> 'shipped')`],
  ];
  const tryThese: DemoOrder[] = [];
  for (const [what, condition] of showcase) {
    const [found] = await rows<{ slug: string; number: string; email: string }>(
      db,
      sql`select m.slug, o.number, o.email from orders o join merchants m on m.id = o.merchant_id
          where ${condition} order by o.placed_at desc limit 1`,
    );
    if (found) tryThese.push({ merchant: found.slug, number: found.number, email: found.email, what });
  }
  const sample = async (what: string, condition: ReturnType<typeof sql>) =>
    (
      await rows<{ slug: string; number: string; email: string }>(
        db,
        sql`select m.slug, o.number, o.email from orders o join merchants m on m.id = o.merchant_id
            where ${condition} order by o.placed_at desc limit 13`,
      )
    ).map((r) => ({ merchant: r.slug, number: r.number, email: r.email, what }));
  const forAgents = await rows<{ number: string; email: string; customer_name: string; sku: string }>(
    db,
    sql`select o.number, o.email, o.customer_name, min(l.sku_code) as sku from orders o join merchants m on m.id = o.merchant_id
        join order_lines l on l.order_id = o.id and l.status = 'backordered'
        where m.slug = 'northwind' group by o.id order by o.placed_at limit 4`,
  );
  const tracked = await rows<{ number: string; email: string; tracking_number: string }>(
    db,
    sql`select o.number, o.email, s.tracking_number from shipments s join orders o on o.id = s.order_id join merchants m on m.id = o.merchant_id
        where m.slug = 'northwind' and s.tracking_number is not null order by s.shipped_at limit 2`,
  );
  const swappable = await sample(
    "has a waiting item with an in-stock alternative",
    sql`exists (select 1 from order_lines l join skus s on s.id = l.sku_id
                join skus alt on alt.merchant_id = l.merchant_id and alt.id <> s.id and alt.backorder_policy <> 'preorder'
                 and (alt.product_id = s.product_id or exists (select 1 from sku_substitutes ss where ss.sku_id = s.id and ss.substitute_sku_id = alt.id))
                 and alt.on_hand - alt.allocated >= l.quantity - l.shipped_quantity - l.cancelled_quantity
                 and alt.price_minor <= l.unit_price_minor
                where l.order_id = o.id and l.status = 'backordered')`,
  );
  const samples = {
    forAgents: forAgents.map((r) => ({
      merchant: "northwind",
      number: r.number,
      email: r.email,
      what: "an order for the agent",
      customerName: r.customer_name,
      waitingSku: r.sku,
    })),
    tracked: tracked.map((r) => ({
      merchant: "northwind",
      number: r.number,
      email: r.email,
      what: "a shipped order",
      trackingNumber: r.tracking_number,
    })),
    // Kept apart from the swappable ones, so a test cancelling never takes another test's swap.
    cancellable: await sample(
      "has a waiting item to cancel",
      sql`exists (select 1 from order_lines l where l.order_id = o.id and l.status = 'backordered')
            and o.number not in (${sql.join([...swappable.map((s) => sql`${s.number}`), sql`''`], sql`, `)})`,
    ),
    swappable,
  };
  return {
    samples,
    merchants: Number(counts!.merchants),
    skus: Number(counts!.skus),
    orders: Number(counts!.orders),
    lines: Number(counts!.lines),
    agents: demoAgents.map((a) => ({
      email: a.email,
      role: a.role,
      merchants: a.role === "admin" ? "all" : a.merchants.join(", "),
    })),
    tryThese,
  };
}
