import { sql } from "drizzle-orm";
import { bigint, check, date, foreignKey, index, integer, pgTable, text, unique, uuid } from "drizzle-orm/pg-core";
import { id, merchantId, moment, now, sameShopKey, serialId } from "./columns";
import { skus } from "./catalog";
import { merchants } from "./merchants";

export const suppliers = pgTable(
  "suppliers",
  {
    id: id(),
    merchantId: merchantId(),
    name: text().notNull(),
    /**
     * Days added to the late end of a ship window, derived from this supplier's receipts by
     * `slipAllowance` in lib/eta and stored here so the set-based recompute can read it.
     * Null until the supplier has enough receipts; the merchant default applies then.
     */
    slipAllowanceDays: integer(),
    /**
     * Where the window starts relative to the PO's date: the low percentile of the same slips
     * (negative for a supplier that often delivers early, positive for one that is reliably late).
     * Null until the supplier has enough receipts; the window then starts on the PO's date.
     */
    slipFloorDays: integer(),
    createdAt: now(),
  },
  (t) => [
    unique("suppliers_merchant_name").on(t.merchantId, t.name),
    unique("suppliers_merchant_id").on(t.merchantId, t.id),
    check("suppliers_slip", sql`${t.slipAllowanceDays} is null or ${t.slipAllowanceDays} >= 0`),
    check(
      "suppliers_slip_floor",
      sql`${t.slipFloorDays} is null or ${t.slipAllowanceDays} is null or ${t.slipFloorDays} <= ${t.slipAllowanceDays}`,
    ),
  ],
);

export const purchaseOrderStatuses = ["open", "partially_received", "received", "cancelled"] as const;
export type PurchaseOrderStatus = (typeof purchaseOrderStatuses)[number];

export const purchaseOrders = pgTable(
  "purchase_orders",
  {
    id: id(),
    merchantId: uuid().notNull(),
    supplierId: uuid().notNull(),
    /** The merchant's own PO number. */
    reference: text().notNull(),
    status: text({ enum: purchaseOrderStatuses }).notNull().default("open"),
    /** The date the supplier currently promises. */
    expectedDate: date({ mode: "string" }).notNull(),
    /** The date the supplier promised first; slip is measured from it. */
    firstPromisedDate: date({ mode: "string" }).notNull(),
    /** How the goods travel ("Air", "Ocean", "Truck"...): the slip model reads the supplier's history in the same mode. */
    shipmentMode: text(),
    /**
     * This PO's slip window (days from its date to the first and last day its goods are expected),
     * from the slip model in lib/eta for its supplier and shipment mode, refreshed by
     * `refreshSlipAllowance`. Null while it rests on the merchant default.
     */
    slipFloorDays: integer(),
    slipAllowanceDays: integer(),
    placedAt: now(),
    receivedAt: moment(),
    cancelledAt: moment(),
    updatedAt: now(),
  },
  (t) => [
    unique("purchase_orders_merchant_reference").on(t.merchantId, t.reference),
    unique("purchase_orders_merchant_id").on(t.merchantId, t.id),
    sameShopKey("purchase_orders_supplier_fk", t.merchantId, t.supplierId, suppliers),
    foreignKey({ name: "purchase_orders_merchant_fk", columns: [t.merchantId], foreignColumns: [merchants.id] }),
    index("purchase_orders_supplier_idx").on(t.supplierId, t.receivedAt),
    check("purchase_orders_slip", sql`${t.slipAllowanceDays} is null or ${t.slipAllowanceDays} >= 0`),
    check(
      "purchase_orders_slip_floor",
      sql`${t.slipFloorDays} is null or ${t.slipAllowanceDays} is null or ${t.slipFloorDays} <= ${t.slipAllowanceDays}`,
    ),
    check("purchase_orders_status", sql`${t.status} in ('open','partially_received','received','cancelled')`),
  ],
);

export const purchaseOrderLines = pgTable(
  "purchase_order_lines",
  {
    id: serialId(),
    merchantId: uuid().notNull(),
    purchaseOrderId: uuid().notNull(),
    skuId: uuid().notNull(),
    quantity: integer().notNull(),
    receivedQuantity: integer().notNull().default(0),
  },
  (t) => [
    unique("purchase_order_lines_po_sku").on(t.purchaseOrderId, t.skuId),
    sameShopKey("purchase_order_lines_po_fk", t.merchantId, t.purchaseOrderId, purchaseOrders).onDelete("cascade"),
    sameShopKey("purchase_order_lines_sku_fk", t.merchantId, t.skuId, skus),
    index("purchase_order_lines_sku_idx").on(t.skuId),
    check("purchase_order_lines_quantity", sql`${t.quantity} > 0`),
    check("purchase_order_lines_received", sql`${t.receivedQuantity} >= 0 and ${t.receivedQuantity} <= ${t.quantity}`),
  ],
);

/** Every change of a PO's expected date, so its history can be shown and slips measured. */
export const purchaseOrderDateChanges = pgTable(
  "purchase_order_date_changes",
  {
    id: serialId(),
    merchantId: uuid().notNull(),
    purchaseOrderId: uuid().notNull(),
    oldDate: date({ mode: "string" }),
    newDate: date({ mode: "string" }).notNull(),
    note: text(),
    changedAt: now(),
  },
  (t) => [
    sameShopKey("purchase_order_date_changes_po_fk", t.merchantId, t.purchaseOrderId, purchaseOrders).onDelete(
      "cascade",
    ),
    index("purchase_order_date_changes_po_idx").on(t.purchaseOrderId, t.changedAt),
  ],
);

/** Units received against a PO line. The first receipt of a PO measures its supplier's slip. */
export const purchaseOrderReceipts = pgTable(
  "purchase_order_receipts",
  {
    id: serialId(),
    merchantId: uuid().notNull(),
    purchaseOrderId: uuid().notNull(),
    purchaseOrderLineId: bigint({ mode: "number" })
      .notNull()
      .references(() => purchaseOrderLines.id, { onDelete: "cascade" }),
    quantity: integer().notNull(),
    receivedAt: now(),
  },
  (t) => [
    sameShopKey("purchase_order_receipts_po_fk", t.merchantId, t.purchaseOrderId, purchaseOrders).onDelete("cascade"),
    index("purchase_order_receipts_po_idx").on(t.purchaseOrderId),
    check("purchase_order_receipts_quantity", sql`${t.quantity} > 0`),
  ],
);

export type Supplier = typeof suppliers.$inferSelect;
export type PurchaseOrder = typeof purchaseOrders.$inferSelect;
export type PurchaseOrderLine = typeof purchaseOrderLines.$inferSelect;
