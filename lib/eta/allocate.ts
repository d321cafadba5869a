import { sql } from "drizzle-orm";
import { rows, type DbOrTx } from "../db/client";
import { instant, uuidArray } from "../db/sql-helpers";
import type { EventOf } from "../events/types";
import { openStatuses, sqlStatuses, waitingStatuses } from "../orders/line-status";

export type Allocation = {
  lineId: number;
  orderId: string;
  merchantId: string;
  skuId: string;
  units: number;
  /** The line's status after allocation: `ready` when all its open units are promised. */
  status: string;
};

/**
 * Promises free stock of these SKUs to their queues, strictly first come first served by order
 * time, then line id. One statement for all SKUs. Callers hold the SKU rows locked (`lockSkus`).
 */
export async function allocateFreeStock(tx: DbOrTx, skuIds: readonly string[], now: Date): Promise<Allocation[]> {
  if (skuIds.length === 0) return [];
  const result = await rows<{
    line_id: string | number;
    order_id: string;
    merchant_id: string;
    sku_id: string;
    units: number;
    status: string;
  }>(tx, allocateStatement(skuIds, now));
  return result.map((r) => ({
    lineId: Number(r.line_id),
    orderId: r.order_id,
    merchantId: r.merchant_id,
    skuId: r.sku_id,
    units: Number(r.units),
    status: r.status,
  }));
}

/** A `line_ready` event for each line the allocation made ready (all its open units promised). */
export function lineReadyEvents(merchantId: string, allocations: readonly Allocation[]): EventOf<"line_ready">[] {
  return allocations
    .filter((a) => a.status === "ready")
    .map((a) => ({
      merchantId,
      orderId: a.orderId,
      orderLineId: a.lineId,
      type: "line_ready",
      payload: { units: a.units },
    }));
}

/** `allocateFreeStock` as one statement, for callers that send it together with others (`pipeline`). */
export function allocateStatement(skuIds: readonly string[], now: Date) {
  return sql`
    with stock as (
      select s.id, s.on_hand - s.allocated as free, s.backorder_policy, s.release_date,
             (${instant(now)} at time zone m.timezone)::date as today
      from skus s join merchants m on m.id = s.merchant_id
      where s.id = any(${uuidArray(skuIds)}) and s.on_hand > s.allocated
    ),
    queue as (
      select l.id, l.sku_id,
             l.quantity - l.shipped_quantity - l.cancelled_quantity - l.allocated_quantity as need,
             sum(l.quantity - l.shipped_quantity - l.cancelled_quantity - l.allocated_quantity)
               over (partition by l.sku_id order by l.placed_at, l.id) as through
      from order_lines l join stock on stock.id = l.sku_id
      where l.status in ${sqlStatuses(waitingStatuses)}
        and l.quantity - l.shipped_quantity - l.cancelled_quantity - l.allocated_quantity > 0
    ),
    take as (
      select q.id, q.sku_id, least(q.need, stock.free - (q.through - q.need))::int as units,
             stock.backorder_policy, stock.release_date, stock.today
      from queue q join stock on stock.id = q.sku_id
      where q.through - q.need < stock.free
    ),
    lines as (
      update order_lines l
      set allocated_quantity = l.allocated_quantity + t.units,
          status = case
            when l.allocated_quantity + t.units = l.quantity - l.shipped_quantity - l.cancelled_quantity
             and not (t.backorder_policy = 'preorder' and t.release_date > t.today) then 'ready'
            else l.status end,
          updated_at = ${instant(now)}
      from take t
      where l.id = t.id
      returning l.id as line_id, l.order_id, l.merchant_id, l.sku_id, t.units, l.status
    ),
    totals as (
      update skus s set allocated = s.allocated + x.units, updated_at = ${instant(now)}
      from (select sku_id, sum(units)::int as units from lines group by sku_id) x
      where s.id = x.sku_id
    )
    select * from lines`;
}

/**
 * Takes promised units back from the newest lines first, when stock on hand fell below what was
 * promised (a count correction, damage). `excess` is keyed by SKU id.
 */
export async function releaseExcessAllocation(
  tx: DbOrTx,
  excess: ReadonlyMap<string, number>,
  now: Date,
): Promise<{ lineId: number; skuId: string; units: number }[]> {
  const entries = [...excess].filter(([, units]) => units > 0).map(([sku_id, units]) => ({ sku_id, units }));
  if (entries.length === 0) return [];
  const result = await rows<{ line_id: string | number; sku_id: string; units: number }>(
    tx,
    sql`
    with excess as (
      select * from jsonb_to_recordset(${JSON.stringify(entries)}::jsonb) as x(sku_id uuid, units int)
    ),
    promised as (
      select l.id, l.sku_id, l.allocated_quantity,
             sum(l.allocated_quantity) over (partition by l.sku_id order by l.placed_at desc, l.id desc) as through
      from order_lines l join excess e on e.sku_id = l.sku_id
      where l.status in ${sqlStatuses(openStatuses)} and l.allocated_quantity > 0
    ),
    give_back as (
      select p.id, p.sku_id, least(p.allocated_quantity, e.units - (p.through - p.allocated_quantity))::int as units
      from promised p join excess e on e.sku_id = p.sku_id
      where p.through - p.allocated_quantity < e.units
    ),
    lines as (
      update order_lines l
      set allocated_quantity = l.allocated_quantity - g.units,
          status = case when l.status = 'ready'
                        then (case when s.backorder_policy = 'preorder' then 'preorder' else 'backordered' end)
                        else l.status end,
          updated_at = ${instant(now)}
      from give_back g, skus s
      where l.id = g.id and s.id = l.sku_id
      returning l.id as line_id, l.sku_id, g.units
    ),
    totals as (
      update skus s set allocated = s.allocated - x.units, updated_at = ${instant(now)}
      from (select sku_id, sum(units)::int as units from lines group by sku_id) x
      where s.id = x.sku_id
    )
    select * from lines`,
  );
  return result.map((r) => ({ lineId: Number(r.line_id), skuId: r.sku_id, units: Number(r.units) }));
}

/** Locks SKU rows in a fixed order so concurrent changes to the same queues take turns. */
export async function lockSkus(tx: DbOrTx, skuIds: readonly string[]): Promise<void> {
  if (skuIds.length === 0) return;
  await tx.execute(sql`select id from skus where id = any(${uuidArray(skuIds)}) order by id for update`);
}
