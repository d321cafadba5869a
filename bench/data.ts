// npm run bench:data -- --orders 1000000 [--db backorder_bench]
// Fills a PostgreSQL database with a realistic, large shape for the benchmarks: 20 merchants,
// 20,000 SKUs, orders with 1-4 lines (~30% of lines backordered), purchase orders (some slipped),
// shipments with tracking, and ETA histories. Bulk SQL for the rows; the ETA windows, queue
// positions and history come from the engine's own recompute and PO-slip functions.
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { rows } from "../lib/db/client";
import { recomputeEta } from "../lib/eta/recompute";
import { changeExpectedDate } from "../lib/supply/purchase-orders";
import { addDays } from "../lib/dates";
import { firstNames as first, lastNames as last } from "../lib/seed/catalog";
import { fmt, freshBenchDatabase, time } from "./lib";

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "1000000" },
    db: { type: "string", default: "backorder_bench" },
    slips: { type: "string", default: "200" },
  },
});
const orderCount = Number(values.orders);
const merchants = 20;
const skusPerMerchant = 1000;
const today = new Date().toISOString().slice(0, 10);
const now = new Date(`${today}T12:00:00Z`);

async function main() {
  const database = await freshBenchDatabase(values.db!);
  const { db } = database;
  const step = async (label: string, work: () => Promise<unknown>) => {
    const { ms } = await time(work);
    console.log(`  ${label.padEnd(58)} ${fmt(ms)}`);
  };
  console.log(`Filling ${values.db} with ${orderCount.toLocaleString("en-US")} orders…`);
  const started = Date.now();
  await db.execute(sql`set synchronous_commit = off`);

  await step("merchants, suppliers, products, 20,000 SKUs", async () => {
    await db.execute(sql`
      insert into merchants (slug, name, support_email, timezone, handling_days, default_slip_days, brand_color)
      select 'shop-' || lpad(g::text, 2, '0'), 'Shop ' || g, 'help@shop' || g || '.example',
             (array['America/New_York','Europe/London','Europe/Berlin','America/Los_Angeles','Asia/Tokyo'])[1 + g % 5], 1 + g % 2, 3 + g % 4,
             '#' || lpad(to_hex((g * 2654435761) % 16777215), 6, '0')
      from generate_series(1, ${merchants}) g`);
    await db.execute(sql`
      insert into suppliers (merchant_id, name, slip_allowance_days, slip_floor_days)
      select m.id, 'Supplier ' || m.slug || '-' || k, (array[0, 2, 5, 9, 1])[k], 0 from merchants m, generate_series(1, 5) k`);
    await db.execute(sql`
      insert into products (merchant_id, handle, title)
      select m.id, 'p-' || k, 'Product ' || k from merchants m, generate_series(1, ${skusPerMerchant / 4}) k`);
    await db.execute(sql`
      insert into skus (merchant_id, product_id, code, title, variant_title, price_minor, currency, on_hand, supplier_id)
      select p.merchant_id, p.id, upper(replace(m.slug, 'shop-', 'S')) || '-' || substr(p.handle, 3) || '-' || v,
             p.title, 'Variant ' || v, 1000 + (hashtext(p.handle || v) & 32767), 'USD', 0,
             (select s.id from suppliers s where s.merchant_id = p.merchant_id order by s.name offset (hashtext(p.handle) & 3) limit 1)
      from products p join merchants m on m.id = p.merchant_id, generate_series(1, 4) v`);
  });

  await step(`${orderCount.toLocaleString("en-US")} orders`, () =>
    db.execute(sql`
      insert into orders (merchant_id, number, email, customer_name, currency, placed_at, channel)
      select m.id, '#' || (100000 + g), 'shopper' || (g % 300000) || '@example.com',
             (${sql.raw(`array[${first.map((n) => `'${n.replace("'", "''")}'`).join(",")}]`)})[1 + (g % ${first.length})] || ' ' ||
             (${sql.raw(`array[${last.map((n) => `'${n.replace("'", "''")}'`).join(",")}]`)})[1 + ((g / ${first.length})::int % ${last.length})],
             'USD', ${`${today}T00:00:00Z`}::timestamptz - ((${orderCount} - g) * (interval '120 days' / ${orderCount})), 'web'
      from generate_series(1, ${orderCount}) g
      join merchants m on m.slug = 'shop-' || lpad((1 + g % ${merchants})::text, 2, '0')`),
  );

  await step("order lines (1-4 per order; ~70% shipped, ~30% waiting)", () =>
    db.execute(sql`
      insert into order_lines (merchant_id, order_id, sku_id, sku_code, title, unit_price_minor, quantity, shipped_quantity, status, placed_at, shipped_at)
      select o.merchant_id, o.id, s.id, s.code, s.title || ' — ' || s.variant_title, s.price_minor, 1,
             case when w.shipped then 1 else 0 end, case when w.shipped then 'shipped' else 'backordered' end,
             o.placed_at, case when w.shipped then o.placed_at + interval '2 days' end
      from orders o
      cross join lateral generate_series(1, 1 + (abs(hashtext(o.number)) % 4)) k
      cross join lateral (select abs(hashtext(o.number || ':' || k)) as h) x
      cross join lateral (select (x.h % 100) < 62 or o.placed_at < now() - interval '100 days' as shipped) w
      join skus s on s.merchant_id = o.merchant_id
       and s.code = upper(replace((select slug from merchants where id = o.merchant_id), 'shop-', 'S')) || '-' || (1 + x.h % ${skusPerMerchant / 4}) || '-' || (1 + (x.h / 7) % 4)`),
  );

  await step("shipments with tracking numbers", async () => {
    await db.execute(sql`
      insert into shipments (merchant_id, order_id, carrier, tracking_number, tracking_url, shipped_at)
      select o.merchant_id, o.id, 'UPS', '1Z' || upper(substr(md5(o.id::text), 1, 16)),
             'https://www.ups.com/track?tracknum=1Z' || upper(substr(md5(o.id::text), 1, 16)), o.placed_at + interval '2 days'
      from orders o where exists (select 1 from order_lines l where l.order_id = o.id and l.status = 'shipped')`);
    await db.execute(sql`
      insert into shipment_lines (shipment_id, order_line_id, quantity)
      select s.id, l.id, 1 from shipments s join order_lines l on l.order_id = s.order_id and l.status = 'shipped'`);
  });

  await step("purchase orders for waiting SKUs (some enough, some short)", async () => {
    await db.execute(sql`
      insert into purchase_orders (merchant_id, supplier_id, reference, expected_date, first_promised_date, placed_at)
      select s.merchant_id, s.id, 'PO-' || substr(s.id::text, 1, 8) || '-' || k, ${today}::date + 5 + k * 12 + (abs(hashtext(s.id::text)) % 9),
             ${today}::date + 5 + k * 12 + (abs(hashtext(s.id::text)) % 9), now() - interval '20 days'
      from suppliers s, generate_series(1, 6) k`);
    await db.execute(sql`
      insert into purchase_order_lines (merchant_id, purchase_order_id, sku_id, quantity)
      select w.merchant_id, po.id, w.sku_id, greatest(1, (w.waiting * (0.4 + (abs(hashtext(po.reference)) % 50) / 100.0))::int)
      from (select merchant_id, sku_id, count(*) as waiting from order_lines where status = 'backordered' group by merchant_id, sku_id) w
      join skus s on s.id = w.sku_id
      join purchase_orders po on po.supplier_id = s.supplier_id and po.reference like '%-' || (1 + abs(hashtext(s.code)) % 3)
         or po.supplier_id = s.supplier_id and po.reference like '%-' || (4 + abs(hashtext(s.code)) % 3)`);
  });
  await db.execute(sql`analyze`);

  await step("ETA windows for every waiting line (the engine's recompute, by SKU batch)", async () => {
    const skuIds = (
      await rows<{ id: string }>(db, sql`select distinct sku_id as id from order_lines where status = 'backordered'`)
    ).map((r) => r.id);
    for (let i = 0; i < skuIds.length; i += 400) {
      await db.transaction((tx) => recomputeEta(tx, { skuIds: skuIds.slice(i, i + 400), cause: "initial", now }));
    }
  });

  const slips = Number(values.slips);
  await step(`${slips} PO slips through the domain (ETA histories, rolling backorders)`, async () => {
    const pos = await rows<{ merchant_id: string; reference: string; expected_date: string }>(
      db,
      sql`select merchant_id, reference, expected_date::text from purchase_orders order by md5(reference) limit ${slips}`,
    );
    // Each picked PO slips twice, days apart: its lines get two later windows (rolling backorders).
    for (const [i, po] of pos.entries()) {
      const once = addDays(po.expected_date, 3 + (i % 5));
      await changeExpectedDate(db, {
        merchantId: po.merchant_id,
        reference: po.reference,
        expectedDate: once,
        note: "Supplier delay",
        actor: { type: "system", id: "bench-data" },
        now,
      });
      await changeExpectedDate(db, {
        merchantId: po.merchant_id,
        reference: po.reference,
        expectedDate: addDays(once, 4),
        note: "Delayed again",
        actor: { type: "system", id: "bench-data" },
        now,
      });
    }
  });
  await step("analyze", () => db.execute(sql`vacuum analyze`));

  const [counts] = await rows<Record<string, number>>(
    db,
    sql`select (select count(*)::int from orders) as orders, (select count(*)::int from order_lines) as lines,
               (select count(*)::int from order_lines where status = 'backordered') as waiting,
               (select count(*)::int from skus) as skus, (select count(*)::int from purchase_order_lines) as po_lines,
               (select count(*)::int from shipments) as shipments, (select count(*)::int from eta_events) as eta_events,
               pg_size_pretty(pg_database_size(current_database())) as size`,
  );
  console.log(`\nDone in ${fmt(Date.now() - started)}:`, counts);
  await database.close();
}

await main();
