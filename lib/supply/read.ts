import { sql } from "drizzle-orm";
import { rows, type DbOrTx } from "../db/client";
import { decodeCursor, encodeCursor } from "../api/cursor";
import { purchaseOrderStatuses, type PurchaseOrderStatus } from "../db/schema/supply";
import { DomainError } from "../errors";

// Purchase orders as the API reads them back (GET /purchase-orders, /purchase-orders/{ref}),
// always within one merchant.

export type PurchaseOrderView = {
  reference: string;
  supplier: string;
  status: PurchaseOrderStatus;
  expectedDate: string;
  firstPromisedDate: string;
  shipmentMode: string | null;
  placedAt: string;
  receivedAt: string | null;
  cancelledAt: string | null;
  lines: { sku: string; quantity: number; received: number }[];
  dateChanges: { from: string | null; to: string; note: string | null; at: string }[];
};

const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

async function views(db: DbOrTx, merchantId: string, poRows: Record<string, unknown>[]): Promise<PurchaseOrderView[]> {
  if (poRows.length === 0) return [];
  const ids = poRows.map((p) => p.id as string).join(",");
  const lineRows = await rows<Record<string, unknown>>(
    db,
    sql`select l.purchase_order_id, s.code, l.quantity, l.received_quantity from purchase_order_lines l
        join skus s on s.id = l.sku_id
        where l.merchant_id = ${merchantId}::uuid and l.purchase_order_id = any(string_to_array(${ids}, ',')::uuid[])
        order by s.code`,
  );
  const changeRows = await rows<Record<string, unknown>>(
    db,
    sql`select purchase_order_id, old_date::text, new_date::text, note, changed_at from purchase_order_date_changes
        where merchant_id = ${merchantId}::uuid and purchase_order_id = any(string_to_array(${ids}, ',')::uuid[])
        order by changed_at, id`,
  );
  return poRows.map((p) => ({
    reference: p.reference as string,
    supplier: p.supplier as string,
    status: p.status as PurchaseOrderStatus,
    expectedDate: p.expected_date as string,
    firstPromisedDate: p.first_promised_date as string,
    shipmentMode: (p.shipment_mode as string | null) ?? null,
    placedAt: iso(p.placed_at)!,
    receivedAt: iso(p.received_at),
    cancelledAt: iso(p.cancelled_at),
    lines: lineRows
      .filter((l) => l.purchase_order_id === p.id)
      .map((l) => ({ sku: l.code as string, quantity: Number(l.quantity), received: Number(l.received_quantity) })),
    dateChanges: changeRows
      .filter((c) => c.purchase_order_id === p.id)
      .map((c) => ({
        from: (c.old_date as string | null) ?? null,
        to: c.new_date as string,
        note: (c.note as string | null) ?? null,
        at: iso(c.changed_at)!,
      })),
  }));
}

const poColumns = sql`po.id, po.reference, su.name as supplier, po.status, po.expected_date::text, po.first_promised_date::text,
  po.shipment_mode, po.placed_at, po.received_at, po.cancelled_at`;

export async function purchaseOrderView(db: DbOrTx, merchantId: string, reference: string) {
  const found = await rows<Record<string, unknown>>(
    db,
    sql`select ${poColumns} from purchase_orders po join suppliers su on su.id = po.supplier_id
        where po.merchant_id = ${merchantId}::uuid and po.reference = ${reference}`,
  );
  const [view] = await views(db, merchantId, found);
  if (!view) throw new DomainError("not_found", `No purchase order ${reference} for this merchant.`, "reference");
  return view;
}

/** The merchant's POs, oldest placed first, a page at a time; `status` narrows them. */
export async function listPurchaseOrders(
  db: DbOrTx,
  params: { merchantId: string; after: string | null; limit: number; status: string | null },
): Promise<{ purchaseOrders: PurchaseOrderView[]; next: string | null; hasMore: boolean }> {
  let cursor: [string, string] | null = null;
  if (params.after) {
    const [at, id] = decodeCursor(params.after, 2);
    if (Number.isNaN(Date.parse(at!)) || !/^[0-9a-f-]{36}$/.test(id!))
      throw new DomainError("invalid", "after is not a cursor this API gave out.", "after");
    cursor = [at!, id!];
  }
  if (params.status !== null && !(purchaseOrderStatuses as readonly string[]).includes(params.status))
    throw new DomainError("invalid", `status must be one of ${purchaseOrderStatuses.join(", ")}.`, "status");
  const found = await rows<Record<string, unknown>>(
    db,
    sql`select ${poColumns} from purchase_orders po join suppliers su on su.id = po.supplier_id
        where po.merchant_id = ${params.merchantId}::uuid
          ${cursor ? sql`and (po.placed_at, po.id) > (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)` : sql``}
          ${params.status ? sql`and po.status = ${params.status}` : sql``}
        order by po.placed_at, po.id
        limit ${params.limit + 1}`,
  );
  const page = found.slice(0, params.limit);
  const last = page.at(-1);
  return {
    purchaseOrders: await views(db, params.merchantId, page),
    next: last ? encodeCursor([iso(last.placed_at)!, last.id as string]) : params.after,
    hasMore: found.length > params.limit,
  };
}
