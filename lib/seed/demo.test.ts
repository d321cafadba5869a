import { afterAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rows } from "../db/client";
import { freshDatabase, type TestDatabase } from "../../testing/db";
import { SeedRefused, seedDemo } from "./demo";

const opened: TestDatabase[] = [];
afterAll(async () => {
  for (const database of opened) await database.close();
});

/** The demo's content without generated ids: what a person would see. */
async function fingerprint(database: TestDatabase) {
  return {
    orders: await rows(
      database.db,
      sql`select m.slug, o.number, o.email, o.customer_name, o.placed_at::text,
                 string_agg(l.sku_code || ':' || l.quantity || ':' || l.status || ':' || coalesce(l.ship_start::text, '-') || '..' ||
                            coalesce(l.ship_end::text, '-') || ':' || l.eta_basis || ':' || l.queue_position || ':' || l.eta_pushes, ', ' order by l.id) as lines
          from orders o join merchants m on m.id = o.merchant_id join order_lines l on l.order_id = o.id
          group by m.slug, o.number, o.email, o.customer_name, o.placed_at order by m.slug, o.number`,
    ),
    etaEvents: await rows(
      database.db,
      sql`select o.number, l.sku_code, e.reason, e.new_ship_start::text, e.new_ship_end::text, e.at::text
          from eta_events e join order_lines l on l.id = e.order_line_id join orders o on o.id = e.order_id
          order by o.number, l.sku_code, e.id`,
    ),
    stock: await rows(database.db, sql`select code, on_hand, allocated from skus order by code`),
    suppliers: await rows(database.db, sql`select name, slip_allowance_days from suppliers order by name`),
  };
}

describe("demo seed", () => {
  it("gives the same data twice, refuses a non-empty database, and its printed orders exist", async () => {
    const first = await freshDatabase();
    const second = await freshDatabase();
    opened.push(first, second);
    const summary = await seedDemo(first.db, { anchor: "2026-11-26" });
    await seedDemo(second.db, { anchor: "2026-11-26" });
    expect(await fingerprint(second)).toEqual(await fingerprint(first));

    expect(summary).toMatchObject({ merchants: 2, skus: 40, orders: 300 });
    expect(summary.tryThese.map((o) => o.what)).toHaveLength(6);
    for (const order of summary.tryThese) {
      const found = await rows(
        first.db,
        sql`select 1 from orders where number = ${order.number} and email = ${order.email}`,
      );
      expect(found, `${order.number} ${order.email}`).toHaveLength(1);
    }
    // The demo covers what the portal is for.
    const [shape] = await rows<Record<string, number>>(
      first.db,
      sql`select count(*) filter (where status = 'shipped')::int as shipped,
                 count(*) filter (where status = 'backordered' and eta_basis = 'po')::int as waiting_with_po,
                 count(*) filter (where status = 'backordered' and eta_basis = 'unknown')::int as unknown,
                 count(*) filter (where status = 'preorder')::int as preorders,
                 count(*) filter (where eta_pushes >= 2 and status = 'backordered')::int as rolling,
                 count(*) filter (where status = 'cancelled')::int as cancelled,
                 count(*) filter (where status = 'swapped')::int as swapped,
                 count(*) filter (where status = 'ready')::int as ready
          from order_lines`,
    );
    for (const [kind, count] of Object.entries(shape!)) expect(Number(count), kind).toBeGreaterThan(0);

    await expect(seedDemo(first.db, { anchor: "2026-11-26" })).rejects.toBeInstanceOf(SeedRefused);
    const [{ count }] = (await rows<{ count: number }>(first.db, sql`select count(*)::int as count from orders`)) as [
      { count: number },
    ];
    expect(Number(count)).toBe(300);
  }, 180_000);
});
