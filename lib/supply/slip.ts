import { sql } from "drizzle-orm";
import { rows, type DbOrTx } from "../db/client";
import { defaultSlipRule, slipWindow, type SlipRule, type SupplierReceipt } from "../eta/slip";

/**
 * A supplier's receipts as the slip allowance sees them: each PO's first promised date and the
 * day (in the merchant's zone) its first units arrived, oldest first.
 */
export async function supplierReceipts(tx: DbOrTx, supplierId: string, limit = 200): Promise<SupplierReceipt[]> {
  const result = await rows<{ first_promised_date: string; received_date: string; shipment_mode: string | null }>(
    tx,
    sql`
    select * from (
      -- POs received at the same moment are ordered by when they were placed, so which of them
      -- fall among the recent ones does not depend on how the rows happen to lie.
      select po.first_promised_date::text, (min(r.received_at) at time zone m.timezone)::date::text as received_date,
             po.shipment_mode, min(r.received_at) as first_receipt, po.placed_at, po.reference
      from purchase_orders po
      join purchase_order_receipts r on r.purchase_order_id = po.id
      join merchants m on m.id = po.merchant_id
      where po.supplier_id = ${supplierId}
      group by po.id, m.timezone
      order by first_receipt desc, po.placed_at desc, po.reference desc
      limit ${limit}
    ) recent order by first_receipt, placed_at, reference`,
  );
  return result.map((r) => ({
    firstPromisedDate: r.first_promised_date,
    receivedDate: r.received_date,
    shipmentMode: r.shipment_mode,
  }));
}

/**
 * Recomputes and stores a supplier's slip window (floor and allowance) from its receipts (after a
 * new one), and returns the SKUs on that supplier's open POs when it changed: their windows need
 * a recompute.
 */
export async function refreshSlipAllowance(
  tx: DbOrTx,
  supplierId: string,
  rule: SlipRule = defaultSlipRule,
): Promise<string[]> {
  const receipts = await supplierReceipts(tx, supplierId, Math.max(200, rule.recentReceipts));
  const [merchant] = await rows<{ default_slip_days: number }>(
    tx,
    sql`select m.default_slip_days from suppliers s join merchants m on m.id = s.merchant_id where s.id = ${supplierId}`,
  );
  // Below the minimum both columns stay null, so a change of the merchant default applies at once.
  const window = receipts.length < rule.minReceipts ? null : slipWindow(receipts, merchant!.default_slip_days, rule);
  const allowance = window?.allowanceDays ?? null;
  const floor = window?.floorDays ?? null;
  const changed = await rows(
    tx,
    sql`update suppliers set slip_allowance_days = ${allowance}, slip_floor_days = ${floor}
        where id = ${supplierId}
          and (slip_allowance_days, slip_floor_days) is distinct from (${allowance}::int, ${floor}::int) returning id`,
  );
  if (changed.length === 0) return [];
  const affected = await rows<{ sku_id: string }>(
    tx,
    sql`select distinct pol.sku_id from purchase_order_lines pol
        join purchase_orders po on po.id = pol.purchase_order_id
        where po.supplier_id = ${supplierId} and po.status in ('open', 'partially_received')
          and pol.quantity > pol.received_quantity`,
  );
  return affected.map((r) => r.sku_id);
}
