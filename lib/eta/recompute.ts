import { sql } from "drizzle-orm";
import { rows, type DbOrTx } from "../db/client";
import type { EtaReason } from "../db/schema/orders";
import { instant, uuidArray } from "../db/sql-helpers";
import { openStatuses, sqlStatuses } from "../orders/line-status";

/**
 * What changed the queue or the supply. Most map straight to the ETA event's reason; a PO date
 * change becomes `po_delayed` or `po_advanced` line by line, and a stock correction becomes
 * `po_received` for lines it fills and `queue_moved` for the others.
 */
export type RecomputeCause =
  "initial" | "po_created" | "po_date_changed" | "po_received" | "po_cancelled" | "queue_moved" | "stock_changed";

export type EtaChange = {
  eventId: number;
  merchantId: string;
  orderId: string;
  lineId: number;
  oldShipStart: string | null;
  oldShipEnd: string | null;
  newShipStart: string | null;
  newShipEnd: string | null;
  reason: EtaReason;
};

/**
 * Recomputes the ETA of the open lines of these SKUs (all of them, or see `onlyOrderIds`) in one
 * statement: walks each SKU's queue (open unallocated units, first come first served) against its
 * supply (free stock, then open PO lines by expected date) with window sums, and finds for each
 * line the PO that covers its last unit. The ship window is that PO's date (never before today)
 * plus handling days, its late end widened by the supplier's slip allowance; pre-orders never ship
 * before their release date, and one with nothing coming has no date once that day has passed.
 *
 * Lines keep their current window, queue position and basis for fast reads; an `eta_events` row is
 * written only where the window really changed (or for a line's first computation). A window's
 * start passing is not a change: when the only difference is that the start moved up to today
 * plus handling days (same last day, basis, PO and basis date), the line's window is updated but
 * no event is written, `eta_updated_at` is kept and no EtaChange is returned. An agent's override
 * stays until a supply event changes the line's basis. Callers hold the SKU rows locked.
 */
export async function recomputeEta(tx: DbOrTx, params: RecomputeParams): Promise<EtaChange[]> {
  if (params.skuIds.length === 0) return [];
  return etaChangesFrom(await rows<Record<string, unknown>>(tx, recomputeStatement(params)));
}

/** The ETA changes in the rows `recomputeStatement` returns. */
export function etaChangesFrom(result: readonly Record<string, unknown>[]): EtaChange[] {
  return result.map((r) => ({
    eventId: Number(r.id),
    merchantId: r.merchant_id as string,
    orderId: r.order_id as string,
    lineId: Number(r.order_line_id),
    oldShipStart: (r.old_ship_start as string | null) ?? null,
    oldShipEnd: (r.old_ship_end as string | null) ?? null,
    newShipStart: (r.new_ship_start as string | null) ?? null,
    newShipEnd: (r.new_ship_end as string | null) ?? null,
    reason: r.reason as EtaReason,
  }));
}

export type RecomputeParams = {
  skuIds: readonly string[];
  cause: RecomputeCause;
  now: Date;
  purchaseOrderId?: string | null;
  /**
   * New orders whose lines joined these queues: only their lines are computed, on every SKU where
   * they all came after every other waiting line (the usual case). Lines ahead of them have the
   * same place and the same supply as before, so the intake itself cannot have changed them; what
   * the calendar changes on those lines is the sweep's (sweep.ts). A SKU where one of them
   * went in ahead of another order's waiting line (an order placed earlier, sent late) is
   * recomputed whole.
   */
  onlyOrderIds?: readonly string[];
};

/** The recompute as one SQL statement (exported so benchmarks can EXPLAIN it). */
export function recomputeStatement(params: RecomputeParams) {
  const { skuIds, cause, now } = params;
  const skuList = uuidArray(skuIds);
  const only = params.onlyOrderIds ? uuidArray(params.onlyOrderIds) : null;
  return sql`
    with sku as materialized (
      select s.id, s.on_hand - s.allocated as free, s.backorder_policy, s.release_date,
             m.handling_days, m.transit_days_min, m.transit_days_max, m.default_slip_days,
             (${instant(now)} at time zone m.timezone)::date as today
      from skus s join merchants m on m.id = s.merchant_id
      where s.id = any(${skuList})
    ),
    line as materialized (
      select l.id, l.order_id, l.merchant_id, l.sku_id, l.placed_at, l.ship_start, l.ship_end, l.eta_basis,
             l.basis_purchase_order_id, l.basis_date, l.queue_position, l.lines_ahead, l.eta_updated_at,
             l.quantity - l.shipped_quantity - l.cancelled_quantity - l.allocated_quantity as need
      from order_lines l
      where l.sku_id = any(${skuList}) and l.status in ${sqlStatuses(openStatuses)}
    ),
    queue as materialized (
      select id, sku_id, order_id, need,
             sum(need) over w as through,
             (row_number() over w - 1)::int as lines_ahead
      from line where need > 0
      window w as (partition by sku_id order by placed_at, id)
    ),
    -- With onlyOrderIds: the SKUs where a waiting line of another order comes after one of theirs.
    reordered as materialized (
      select sku_id from queue
      where ${only}::uuid[] is not null
      group by sku_id
      having min(lines_ahead) filter (where order_id = any(${only}::uuid[]))
             < max(lines_ahead) filter (where order_id <> all(${only}::uuid[]))
    ),
    supply as materialized (
      select pol.sku_id, po.id as po_id, po.supplier_id, po.expected_date,
             po.slip_floor_days as po_floor, po.slip_allowance_days as po_allowance,
             pol.quantity - pol.received_quantity as remaining,
             sum(pol.quantity - pol.received_quantity)
               over (partition by pol.sku_id order by po.expected_date, po.placed_at, pol.id) as through
      from purchase_order_lines pol join purchase_orders po on po.id = pol.purchase_order_id
      where pol.sku_id = any(${skuList})
        and po.status in ('open', 'partially_received') and pol.quantity > pol.received_quantity
    ),
    changed as materialized (
      select l.id, l.order_id, l.merchant_id, l.eta_updated_at,
             l.ship_start as old_start, l.ship_end as old_end, l.eta_basis as old_basis,
             k.transit_days_min, k.transit_days_max, w.keep_override,
             n.new_start, n.new_end, n.new_basis, b.new_po_id, b.new_basis_date, p.new_queue_position, p.new_lines_ahead,
             (l.eta_updated_at is null or (n.new_start, n.new_end) is distinct from (l.ship_start, l.ship_end))
               and not t.calendar_clamp as window_changed
      from line l
      join sku k on k.id = l.sku_id
      left join queue q on q.id = l.id
      -- The supply that covers this line's last unit: free stock first, then POs by date.
      left join supply s on s.sku_id = l.sku_id and l.need > 0
        and q.through > k.free + s.through - s.remaining and q.through <= k.free + s.through
      left join suppliers sup on sup.id = s.supplier_id
      cross join lateral (
        select coalesce(q.through - q.need, 0)::int as new_queue_position, coalesce(q.lines_ahead, 0) as new_lines_ahead,
               case when k.backorder_policy = 'preorder' then k.release_date end as release_date,
               case when l.need = 0 or q.through <= k.free then 'stock' when s.po_id is not null then 'po' else 'unknown' end as supply_kind,
               -- The PO's own window (its supplier in its shipment mode), else the supplier's, else the merchant's.
               case when s.po_id is not null
                    then coalesce(s.po_allowance, sup.slip_allowance_days, k.default_slip_days) else 0 end as slip,
               case when s.po_id is not null
                    then least(coalesce(s.po_floor, sup.slip_floor_days, 0),
                               coalesce(s.po_allowance, sup.slip_allowance_days, k.default_slip_days)) else 0 end as floor
      ) p
      cross join lateral (
        select case p.supply_kind
                 -- Stock keeps the day it was promised: a pre-order's units set aside before its
                 -- release keep the release day once it has passed.
                 when 'stock' then (case when l.eta_basis = 'stock' and l.basis_date is not null then l.basis_date
                                         when l.eta_basis = 'release' and l.basis_date is not null then least(l.basis_date, k.today)
                                         else k.today end)
                 when 'po' then s.expected_date end as supply_date
      ) d
      cross join lateral (
        -- Stock keeps the day it was promised. A PO's goods are expected from its date plus the
        -- supplier's slip floor to its date plus the slip allowance, never before today: a PO that
        -- is late but still inside that range keeps its late end, so waiting does not push it. Past
        -- that end the window reaches a week further at a time (not a day, which would break the
        -- promise every day the goods fail to come).
        select case p.supply_kind when 'stock' then d.supply_date when 'po' then greatest(d.supply_date + p.floor, k.today) end as ready_on,
               case p.supply_kind when 'stock' then d.supply_date
                    when 'po' then d.supply_date + p.slip + 7 * greatest(0, (k.today - (d.supply_date + p.slip) + 6) / 7) end as ready_by
      ) r
      cross join lateral (
        -- With no stock and no PO, a pre-order rests on its release date until that day has
        -- passed; after it, nothing says when the goods come: no date.
        select case when r.ready_on is null then (case when p.release_date >= k.today then 'release' else 'unknown' end)
                    when p.release_date is not null and p.release_date >= r.ready_on then 'release'
                    else p.supply_kind end as basis,
               -- greatest() skips nulls, so an unknown line with no release date stays null explicitly.
               case when r.ready_on is not null then greatest(r.ready_on, coalesce(p.release_date, r.ready_on))
                    when p.release_date >= k.today then p.release_date end as start_on,
               case when r.ready_on is not null then greatest(r.ready_by, coalesce(p.release_date, r.ready_on))
                    when p.release_date >= k.today then p.release_date end as end_on
      ) c
      cross join lateral (
        select case when c.basis = 'po' then s.po_id end as new_po_id,
               case c.basis when 'release' then p.release_date when 'unknown' then null else d.supply_date end as new_basis_date
      ) b
      cross join lateral (
        -- An agent's override lasts until a supply event changes what the line rests on.
        select (l.eta_basis = 'override' and l.basis_purchase_order_id is not distinct from b.new_po_id
                and l.basis_date is not distinct from b.new_basis_date) as keep_override
      ) w
      cross join lateral (
        select case when w.keep_override then l.ship_start else c.start_on + k.handling_days end as new_start,
               case when w.keep_override then l.ship_end else c.end_on + k.handling_days end as new_end,
               case when w.keep_override then 'override' else c.basis end as new_basis
      ) n
      cross join lateral (
        -- The calendar moved, nothing was learned: the old start has passed, so the window now
        -- starts on the earliest day it can (today plus handling), resting on the same basis with
        -- the same last day. The line shows the window from today, but this is no ETA change: no
        -- event, eta_updated_at kept, nothing returned for notifications.
        select coalesce(l.eta_updated_at is not null and not w.keep_override
                        and n.new_start = k.today + k.handling_days and n.new_start > l.ship_start
                        and n.new_end = l.ship_end and n.new_basis = l.eta_basis
                        and b.new_po_id is not distinct from l.basis_purchase_order_id
                        and b.new_basis_date is not distinct from l.basis_date, false) as calendar_clamp
      ) t
      where (${only}::uuid[] is null or l.order_id = any(${only}::uuid[]) or l.sku_id in (select sku_id from reordered))
        and (l.eta_updated_at is null
         or (n.new_start, n.new_end, n.new_basis, b.new_po_id, b.new_basis_date, p.new_queue_position, p.new_lines_ahead)
            is distinct from
            (l.ship_start, l.ship_end, l.eta_basis, l.basis_purchase_order_id, l.basis_date, l.queue_position, l.lines_ahead))
    ),
    reasoned as (
      select c.*,
             case
               when c.eta_updated_at is null then 'initial'
               when ${cause}::text = 'po_date_changed' then
                 case when c.new_end is null then 'po_delayed'
                      when c.old_end is null then 'po_advanced'
                      when c.new_end > c.old_end or (c.new_end = c.old_end and c.new_start > c.old_start) then 'po_delayed'
                      else 'po_advanced' end
               when ${cause}::text = 'stock_changed' then
                 case when c.new_basis = 'stock' then 'po_received' else 'queue_moved' end
               else ${cause}::text
             end as reason
      from changed c
    ),
    updated as (
      update order_lines l
      set ship_start = r.new_start,
          ship_end = r.new_end,
          delivery_start = r.new_start + r.transit_days_min,
          delivery_end = r.new_end + r.transit_days_max,
          eta_basis = r.new_basis,
          basis_purchase_order_id = r.new_po_id,
          basis_date = r.new_basis_date,
          queue_position = r.new_queue_position,
          lines_ahead = r.new_lines_ahead,
          eta_pushes = l.eta_pushes + (case when r.old_end is not null and r.new_end > r.old_end then 1 else 0 end),
          first_ship_start = coalesce(l.first_ship_start, r.new_start),
          first_ship_end = case when l.first_ship_start is null then r.new_end else l.first_ship_end end,
          promised_ship_end = coalesce(l.promised_ship_end, r.new_end),
          eta_override_note = case when r.keep_override then l.eta_override_note end,
          eta_updated_at = case when r.window_changed then ${instant(now)} else l.eta_updated_at end,
          updated_at = ${instant(now)}
      from reasoned r
      where l.id = r.id
    )
    insert into eta_events (merchant_id, order_id, order_line_id, old_ship_start, old_ship_end, new_ship_start,
                            new_ship_end, old_basis, new_basis, basis_date, reason, purchase_order_id, at)
    select r.merchant_id, r.order_id, r.id, r.old_start, r.old_end, r.new_start, r.new_end,
           case when r.eta_updated_at is null then null else r.old_basis end, r.new_basis,
           r.new_basis_date, r.reason,
           coalesce(${params.purchaseOrderId ?? null}::uuid, r.new_po_id), ${instant(now)}
    from reasoned r
    where r.window_changed
    returning id, merchant_id, order_id, order_line_id,
              old_ship_start::text, old_ship_end::text, new_ship_start::text, new_ship_end::text, reason`;
}
