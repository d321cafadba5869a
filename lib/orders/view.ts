import { and, asc, eq, inArray, isNotNull } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { merchants, type Merchant } from "../db/schema/merchants";
import { etaEvents, orderLines, orders, shipmentLines, shipments, type EtaEvent, type Order, type OrderLine } from "../db/schema/orders";
import { purchaseOrderDateChanges, purchaseOrderLines, purchaseOrders } from "../db/schema/supply";

export type LineShipment = { carrier: string | null; trackingNumber: string | null; trackingUrl: string | null; shippedAt: Date; quantity: number };
export type LineEtaEvent = EtaEvent & { supplierNote: string | null };
export type LineView = OrderLine & {
  shipments: LineShipment[];
  etaEvents: LineEtaEvent[];
  /** The delivery this line waits for: its date and how many units it brings of this SKU. */
  basisDelivery: { expectedDate: string; units: number } | null;
  swappedTo: { id: number; title: string } | null;
};
export type OrderView = { order: Order; merchant: Merchant; lines: LineView[] };

/** Everything the order page shows, in a handful of queries. */
export async function loadOrderView(db: DbOrTx, orderId: string): Promise<OrderView | null> {
  const [found] = await db.select().from(orders).innerJoin(merchants, eq(merchants.id, orders.merchantId)).where(eq(orders.id, orderId));
  if (!found) return null;
  const lines = await db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(orderLines.id));
  const events = await db.select().from(etaEvents).where(eq(etaEvents.orderId, orderId)).orderBy(asc(etaEvents.at), asc(etaEvents.id));
  const parcels = await db
    .select({
      orderLineId: shipmentLines.orderLineId,
      quantity: shipmentLines.quantity,
      carrier: shipments.carrier,
      trackingNumber: shipments.trackingNumber,
      trackingUrl: shipments.trackingUrl,
      shippedAt: shipments.shippedAt,
    })
    .from(shipmentLines)
    .innerJoin(shipments, eq(shipments.id, shipmentLines.shipmentId))
    .where(eq(shipments.orderId, orderId))
    .orderBy(asc(shipments.shippedAt));

  const basisIds = [...new Set(lines.map((l) => l.basisPurchaseOrderId).filter((id): id is string => id !== null))];
  const deliveries = basisIds.length
    ? await db
        .select({ poId: purchaseOrders.id, skuId: purchaseOrderLines.skuId, expectedDate: purchaseOrders.expectedDate, quantity: purchaseOrderLines.quantity, received: purchaseOrderLines.receivedQuantity })
        .from(purchaseOrderLines)
        .innerJoin(purchaseOrders, eq(purchaseOrders.id, purchaseOrderLines.purchaseOrderId))
        .where(inArray(purchaseOrders.id, basisIds))
    : [];
  const eventPoIds = [...new Set(events.map((e) => e.purchaseOrderId).filter((id): id is string => id !== null))];
  const notes = eventPoIds.length
    ? await db
        .select({ poId: purchaseOrderDateChanges.purchaseOrderId, at: purchaseOrderDateChanges.changedAt, note: purchaseOrderDateChanges.note })
        .from(purchaseOrderDateChanges)
        .where(and(inArray(purchaseOrderDateChanges.purchaseOrderId, eventPoIds), isNotNull(purchaseOrderDateChanges.note)))
    : [];

  return {
    order: found.orders,
    merchant: found.merchants,
    lines: lines.map((line) => {
      const delivery = deliveries.find((d) => d.poId === line.basisPurchaseOrderId && d.skuId === line.skuId);
      const swapped = line.swappedToLineId ? lines.find((l) => l.id === line.swappedToLineId) : undefined;
      return {
        ...line,
        shipments: parcels.filter((p) => p.orderLineId === line.id),
        etaEvents: events
          .filter((e) => e.orderLineId === line.id)
          .map((e) => ({
            ...e,
            // The supplier's reason travels with the date change made in the same transaction.
            supplierNote:
              (e.reason === "po_delayed" || e.reason === "po_advanced") && e.purchaseOrderId
                ? (notes.find((n) => n.poId === e.purchaseOrderId && n.at.getTime() === e.at.getTime())?.note ?? null)
                : null,
          })),
        basisDelivery: delivery && line.etaBasis === "po" ? { expectedDate: delivery.expectedDate, units: delivery.quantity - delivery.received } : null,
        swappedTo: swapped ? { id: swapped.id, title: swapped.title } : null,
      };
    }),
  };
}

/** The orders of one email across merchants, newest first, for /orders. */
export async function ordersForEmail(db: DbOrTx, email: string) {
  const found = await db
    .select({ order: orders, merchant: merchants })
    .from(orders)
    .innerJoin(merchants, eq(merchants.id, orders.merchantId))
    .where(eq(orders.email, email.toLowerCase()))
    .orderBy(asc(orders.placedAt));
  if (found.length === 0) return [];
  const lines = await db
    .select()
    .from(orderLines)
    .where(inArray(orderLines.orderId, found.map((f) => f.order.id)))
    .orderBy(asc(orderLines.id));
  return found.reverse().map((f) => ({ ...f, lines: lines.filter((l) => l.orderId === f.order.id) }));
}
