import { sql } from "drizzle-orm";
import { rows, type DbOrTx } from "../db/client";
import { addDays, dateIn, type IsoDate } from "../dates";
import {
  defaultSlipRule,
  slipEstimate,
  type OverduePo,
  type SlipEstimate,
  type SlipRule,
  type SupplierReceipt,
} from "../eta/slip";

type ReceiptRow = { first_promised_date: string; received_date: string; shipment_mode: string | null };

const receiptOf = (r: ReceiptRow): SupplierReceipt => ({
  firstPromisedDate: r.first_promised_date,
  receivedDate: r.received_date,
  shipmentMode: r.shipment_mode,
});

/**
 * Receipts as the slip model sees them: each PO's first promised date and the day (in the
 * merchant's zone) its first units arrived, since `since`, oldest first. One supplier's, or with
 * no supplier every supplier's of the merchant (the pooled prior).
 */
async function receiptsSince(
  tx: DbOrTx,
  where: { supplierId: string } | { merchantId: string },
  since: IsoDate,
): Promise<SupplierReceipt[]> {
  const owner =
    "supplierId" in where ? sql`po.supplier_id = ${where.supplierId}` : sql`po.merchant_id = ${where.merchantId}`;
  const result = await rows<ReceiptRow>(
    tx,
    sql`
    select po.first_promised_date::text, (min(r.received_at) at time zone m.timezone)::date::text as received_date,
           po.shipment_mode
    from purchase_orders po
    join purchase_order_receipts r on r.purchase_order_id = po.id
    join merchants m on m.id = po.merchant_id
    where ${owner}
    group by po.id, m.timezone
    having (min(r.received_at) at time zone m.timezone)::date >= ${since}::date
    order by min(r.received_at), po.placed_at, po.reference`,
  );
  return result.map(receiptOf);
}

/** A supplier's receipts of the last `days` days before `today` (the model reads no older ones), oldest first. */
export async function supplierReceipts(
  tx: DbOrTx,
  supplierId: string,
  today: IsoDate,
  days = defaultSlipRule.lookbackDays,
): Promise<SupplierReceipt[]> {
  return receiptsSince(tx, { supplierId }, addDays(today, -days));
}

/**
 * Recomputes and stores the slip window of each of a supplier's open POs (from its receipts, its
 * POs overdue today, and the PO's shipment mode), and the supplier's own (every mode, for a PO with
 * none), and returns the SKUs on the POs whose window changed: their lines need a recompute. Runs
 * after a receipt, when a PO is created or its mode changes, and from the sweep while a PO of the
 * supplier is overdue (each day it stays overdue is evidence). With `onlyPurchaseOrderId`, only
 * that PO's window is stored (a new PO: nothing else the supplier has changed).
 */
export async function refreshSlipAllowance(
  tx: DbOrTx,
  supplierId: string,
  now: Date,
  options: { onlyPurchaseOrderId?: string; rule?: SlipRule } = {},
): Promise<string[]> {
  const rule = options.rule ?? defaultSlipRule;
  const [supplier] = await rows<{ merchant_id: string; default_slip_days: number; timezone: string }>(
    tx,
    sql`select s.merchant_id, m.default_slip_days, m.timezone
        from suppliers s join merchants m on m.id = s.merchant_id where s.id = ${supplierId}`,
  );
  const today = dateIn(supplier!.timezone, now);
  const receipts = await supplierReceipts(tx, supplierId, today, rule.lookbackDays);
  const open = await rows<{ id: string; first_promised_date: string; shipment_mode: string | null; status: string }>(
    tx,
    sql`select id, first_promised_date::text, shipment_mode, status from purchase_orders
        where supplier_id = ${supplierId} and status in ('open', 'partially_received') order by id`,
  );
  // Nothing of a PO has come yet and its first date has passed: it is at least that late.
  const overdue = open.filter((po) => po.status === "open" && po.first_promised_date < today);
  const overdueBut = (id: string | null): OverduePo[] =>
    overdue
      .filter((po) => po.id !== id)
      .map((po) => ({ firstPromisedDate: po.first_promised_date, shipmentMode: po.shipment_mode }));
  // The pooled prior is only read when the supplier's own history is too short.
  const pooled =
    receipts.length >= rule.minReceipts
      ? []
      : await receiptsSince(tx, { merchantId: supplier!.merchant_id }, addDays(today, -rule.lookbackDays));
  // A PO's own lateness is not evidence about itself: the recompute already moves its window a
  // week at a time once it is past it.
  const estimate = (mode: string | null, id: string | null): SlipEstimate =>
    slipEstimate(
      { supplier: { receipts, overdue: overdueBut(id) }, pooled, shipmentMode: mode, asOf: today },
      supplier!.default_slip_days,
      rule,
    );
  // The supplier's own columns stay null while it rests on the merchant default, so a change of
  // that default applies at once.
  const own = estimate(null, null);
  const [ownFloor, ownAllowance] = own.basis === "default" ? [null, null] : [own.floorDays, own.allowanceDays];
  await tx.execute(
    sql`update suppliers set slip_allowance_days = ${ownAllowance}, slip_floor_days = ${ownFloor}
        where id = ${supplierId}
          and (slip_allowance_days, slip_floor_days) is distinct from (${ownAllowance}::int, ${ownFloor}::int)`,
  );
  if (open.length === 0) return [];
  const windows = open
    .filter((po) => !options.onlyPurchaseOrderId || po.id === options.onlyPurchaseOrderId)
    .map((po) => {
      const e = estimate(po.shipment_mode, po.id);
      return e.basis === "default" && e.overdueDays === null
        ? { id: po.id, floor: null, allowance: null }
        : { id: po.id, floor: e.floorDays, allowance: e.allowanceDays };
    });
  const changed = await rows<{ sku_id: string }>(
    tx,
    sql`with w as (
          select * from jsonb_to_recordset(${JSON.stringify(windows)}::jsonb) as w(id uuid, floor int, allowance int)
        ),
        changed as (
          update purchase_orders po set slip_floor_days = w.floor, slip_allowance_days = w.allowance
          from w where po.id = w.id
            and (po.slip_floor_days, po.slip_allowance_days) is distinct from (w.floor, w.allowance)
          returning po.id
        )
        select distinct pol.sku_id from purchase_order_lines pol join changed c on c.id = pol.purchase_order_id
        where pol.quantity > pol.received_quantity`,
  );
  return changed.map((r) => r.sku_id);
}
