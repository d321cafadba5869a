import { sql } from "drizzle-orm";
import { systemActor } from "../audit/actor";
import { rows, type DbOrTx } from "../db/client";
import { instant } from "../db/sql-helpers";
import { transaction } from "../db/transaction";
import { recordChange } from "../events/record";
import { refreshSlipAllowance } from "../supply/slip";
import { lockSkus } from "./allocate";
import { recomputeEta } from "./recompute";
import { sqlStatuses, waitingStatuses } from "../orders/line-status";

export const etaSweepActor = systemActor("eta-sweep");

/** SKUs re-dated per transaction: short enough that an order for one of them waits a moment, not long. */
const skusPerTransaction = 50;

/**
 * Re-dates the waiting lines the calendar has overtaken, on SKUs where nothing else happened: a
 * line still waiting for units, resting on a PO or a release date, whose window starts before the
 * earliest day it can ship now (today plus handling days). A late PO inside its slip range has its
 * start moved up to that day without an ETA event; past it, its end reaches a week further
 * (`po_delayed`, with its email under the merchant's notification policy). A pre-order whose
 * release day passed with no stock and no PO has no date any more. Every other recompute of the
 * SKU does the same; this makes sure a quiet SKU does not keep yesterday's window. The worker runs
 * it every 15 minutes, just before the scan for missed promises reads the windows, so each
 * merchant's new day is reached within a quarter of an hour whatever its timezone.
 *
 * First the slip windows of suppliers with an overdue PO are drawn again (it is later than
 * yesterday, and so may be their other POs). Then a few SKUs per transaction, each locked as every change to a queue locks it. A line it re-dated
 * is no longer due until the next day, so a second run the same day (another worker, the next
 * quarter of an hour) finds nothing. Returns the SKUs looked at and the ETA changes written.
 */
export async function refreshOverdueEtas(
  db: DbOrTx,
  params: { now: Date },
): Promise<{ skus: number; etaChanges: number }> {
  const { now } = params;
  const reSloped = await refreshOverdueSuppliers(db, now);
  // Found through the POs and pre-orders whose day has passed, and their lines by the indexes
  // every recompute keeps anyway (basis PO, SKU queue): an index on the window's start would be
  // rewritten by every re-date of every line, which doubled the cost of a PO's slip (bench:eta).
  const due = await rows<{ sku_id: string }>(
    db,
    sql`with today as materialized (
          select id as merchant_id, (${instant(now)} at time zone timezone)::date as today,
                 (${instant(now)} at time zone timezone)::date + handling_days as earliest, default_slip_days
          from merchants
        )
        select l.sku_id
        from purchase_orders po
        join today t on t.merchant_id = po.merchant_id
        join suppliers sup on sup.id = po.supplier_id
        join order_lines l on l.basis_purchase_order_id = po.id
        where po.status in ('open', 'partially_received')
          and po.expected_date + least(coalesce(po.slip_floor_days, sup.slip_floor_days, 0),
                                       coalesce(po.slip_allowance_days, sup.slip_allowance_days, t.default_slip_days)) < t.today
          and l.status in ${sqlStatuses(waitingStatuses)} and l.eta_basis = 'po' and l.ship_start < t.earliest
          and l.quantity - l.shipped_quantity - l.cancelled_quantity - l.allocated_quantity > 0
        union
        select l.sku_id
        from skus s
        join today t on t.merchant_id = s.merchant_id
        join order_lines l on l.sku_id = s.id
        where s.backorder_policy = 'preorder' and s.release_date < t.today
          and l.status in ${sqlStatuses(waitingStatuses)} and l.eta_basis = 'release' and l.ship_start < t.earliest
          and l.quantity - l.shipped_quantity - l.cancelled_quantity - l.allocated_quantity > 0
        order by sku_id`,
  );
  let etaChanges = 0;
  for (let i = 0; i < due.length; i += skusPerTransaction) {
    const skuIds = due.slice(i, i + skusPerTransaction).map((r) => r.sku_id);
    etaChanges += await transaction(db, async (tx) => {
      await lockSkus(tx, skuIds);
      // A window whose end passed moves later; "po_date_changed" names it `po_delayed` line by line.
      const changes = await recomputeEta(tx, { skuIds, cause: "po_date_changed", now });
      await recordChange(tx, { actor: etaSweepActor, now, etaChanges: changes });
      return changes.length;
    });
  }
  return { skus: due.length, etaChanges: etaChanges + reSloped };
}

/**
 * Each day a PO stays overdue is evidence about its supplier (lib/eta/slip.ts): the slip windows
 * of the suppliers with one are drawn again, and the lines on the POs whose window moved re-dated.
 * Returns the ETA changes written.
 */
async function refreshOverdueSuppliers(db: DbOrTx, now: Date): Promise<number> {
  const overdue = await rows<{ supplier_id: string }>(
    db,
    sql`select distinct po.supplier_id from purchase_orders po join merchants m on m.id = po.merchant_id
        where po.status = 'open' and po.first_promised_date < (${instant(now)} at time zone m.timezone)::date
        order by po.supplier_id`,
  );
  let etaChanges = 0;
  for (const { supplier_id } of overdue) {
    etaChanges += await transaction(db, async (tx) => {
      const skuIds = await refreshSlipAllowance(tx, supplier_id, now);
      if (skuIds.length === 0) return 0;
      await lockSkus(tx, skuIds);
      const changes = await recomputeEta(tx, { skuIds, cause: "po_date_changed", now });
      await recordChange(tx, { actor: etaSweepActor, now, etaChanges: changes });
      return changes.length;
    });
  }
  return etaChanges;
}
