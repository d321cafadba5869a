import { sql } from "drizzle-orm";
import { systemActor } from "../audit/actor";
import { rows, type DbOrTx } from "../db/client";
import { instant } from "../db/sql-helpers";
import { transaction } from "../db/transaction";
import { recordChange } from "../events/record";
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
 * A few SKUs per transaction, each locked as every change to a queue locks it. A line it re-dated
 * is no longer due until the next day, so a second run the same day (another worker, the next
 * quarter of an hour) finds nothing. Returns the SKUs looked at and the ETA changes written.
 */
export async function refreshOverdueEtas(
  db: DbOrTx,
  params: { now: Date },
): Promise<{ skus: number; etaChanges: number }> {
  const { now } = params;
  const due = await rows<{ sku_id: string }>(
    db,
    sql`select distinct l.sku_id
        from order_lines l join merchants m on m.id = l.merchant_id
        where l.status in ${sqlStatuses(waitingStatuses)} and l.eta_basis in ('po', 'release')
          and l.quantity - l.shipped_quantity - l.cancelled_quantity - l.allocated_quantity > 0
          -- The index's bound (the latest "today plus handling" of any merchant), then each merchant's own.
          and l.ship_start < (select max((${instant(now)} at time zone timezone)::date + handling_days) from merchants)
          and l.ship_start < (${instant(now)} at time zone m.timezone)::date + m.handling_days
        order by l.sku_id`,
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
  return { skus: due.length, etaChanges };
}
