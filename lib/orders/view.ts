import { asc, eq, inArray, sql } from "drizzle-orm";
import { rows, type DbOrTx } from "../db/client";
import { fromJsonRow } from "../db/json-rows";
import { merchants, type Merchant } from "../db/schema/merchants";
import { etaEvents, orderLines, orders, type EtaEvent, type Order, type OrderLine } from "../db/schema/orders";
import type { ActorType } from "../db/schema/audit";
import { isUuid } from "./read";

export type LineShipment = {
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  shippedAt: Date;
  /** When the carrier handed it over (the shop's API or Shopify says so); null until then. */
  deliveredAt: Date | null;
  quantity: number;
};
export type LineEtaEvent = EtaEvent & { supplierNote: string | null };
export type LineView = OrderLine & {
  shipments: LineShipment[];
  etaEvents: LineEtaEvent[];
  /**
   * The delivery this line waits for: its date, how many units it brings of this SKU, how it
   * travels, and its slip window (days from its date; null on the supplier's or merchant's).
   */
  basisDelivery: {
    expectedDate: string;
    units: number;
    reference: string;
    shipmentMode: string | null;
    slip: { floorDays: number; allowanceDays: number } | null;
  } | null;
  swappedTo: { id: number; title: string } | null;
  /** The delay notice waiting for the shopper's answer (the line's latest one), if any. */
  awaitingNoticeId: number | null;
  /** The SKU's picture (from the shop's catalogue), or null. */
  imageUrl: string | null;
  /** Who cancelled or swapped this line, and when. */
  closedBy: LineAct | null;
  /** For a line swapped to: who swapped, and when. */
  swappedBy: LineAct | null;
};
export type LineAct = { actor: ActorType; at: Date };
export type OrderView = { order: Order; merchant: Merchant; lines: LineView[] };

/**
 * Everything the order page shows, in one statement: the order, its merchant, lines, ETA events
 * (with the supplier's note of the date change behind each), parcels, and the deliveries lines
 * wait for, aggregated to JSON so the page costs one round trip and one (prepared) plan.
 */
export async function loadOrderView(
  db: DbOrTx,
  orderId: string,
  scope: { shopperEmail?: string } = {},
): Promise<OrderView | null> {
  const [found] = await rows<{ view: RawView }>(
    db,
    sql`select json_build_object(
          'order', to_json(o),
          'merchant', to_json(m),
          'lines', (select coalesce(json_agg(to_json(l) order by l.id), '[]') from order_lines l where l.order_id = o.id),
          'events', (select coalesce(json_agg(json_build_object('event', to_json(e), 'note', (
                        select d.note from purchase_order_date_changes d
                        where e.reason in ('po_delayed', 'po_advanced') and d.purchase_order_id = e.purchase_order_id
                          and d.changed_at = e.at and d.note is not null limit 1)) order by e.at, e.id), '[]')
                     from eta_events e where e.order_id = o.id),
          'parcels', (select coalesce(json_agg(json_build_object('lineId', sl.order_line_id, 'quantity', sl.quantity, 'carrier', s.carrier,
                        'trackingNumber', s.tracking_number, 'trackingUrl', s.tracking_url, 'shippedAt', s.shipped_at,
                        'deliveredAt', s.delivered_at) order by s.shipped_at), '[]')
                      from shipment_lines sl join shipments s on s.id = sl.shipment_id where s.order_id = o.id),
          -- Only the PO lines the order's own lines wait for (by PO and SKU, one index lookup each),
          -- not every line of those POs: a supplier's PO has dozens of SKUs.
          'deliveries', (select coalesce(json_agg(json_build_object('poId', p.id, 'skuId', pol.sku_id, 'expectedDate', p.expected_date,
                        'units', pol.quantity - pol.received_quantity, 'reference', p.reference, 'shipmentMode', p.shipment_mode,
                        'floorDays', p.slip_floor_days, 'allowanceDays', p.slip_allowance_days)), '[]')
                         from order_lines l
                         join purchase_orders p on p.id = l.basis_purchase_order_id
                         join purchase_order_lines pol on pol.purchase_order_id = p.id and pol.sku_id = l.sku_id
                         where l.order_id = o.id),
          'images', (select coalesce(json_agg(json_build_object('lineId', l.id, 'url', s.image_url)), '[]')
                     from order_lines l join skus s on s.id = l.sku_id where l.order_id = o.id and s.image_url is not null),
          'acts', (select coalesce(json_agg(json_build_object('lineId', a.entity_id, 'actor', a.actor_type, 'at', a.at) order by a.at), '[]')
                   from audit_log a where a.order_id = o.id
                     and a.action in ('line.swapped', 'line.cancelled', 'line.cancelled_no_consent')),
          -- Through the lines waiting for an answer (delay_notices_line_idx), the notices still unanswered.
          'notices', (select coalesce(json_agg(json_build_object('lineId', d.order_line_id, 'id', d.id) order by d.id), '[]')
                      from order_lines l join delay_notices d on d.order_line_id = l.id
                      where l.order_id = o.id and l.consent_state = 'awaiting' and d.response is null
                        and d.consent_deadline is not null)
        ) as view
        from orders o join merchants m on m.id = o.merchant_id
        where o.id = ${orderId} ${scope.shopperEmail === undefined ? sql`` : sql`and o.email = ${scope.shopperEmail}`}`,
  );
  if (!found) return null;
  const raw = typeof found.view === "string" ? (JSON.parse(found.view) as RawView) : found.view;
  const lines = raw.lines.map((l) => fromJsonRow(orderLines, l));
  const events = raw.events.map((e) => ({ ...fromJsonRow(etaEvents, e.event), supplierNote: e.note }));
  return {
    order: fromJsonRow(orders, raw.order),
    merchant: fromJsonRow(merchants, raw.merchant),
    lines: lines.map((line) => {
      const delivery = raw.deliveries.find((d) => d.poId === line.basisPurchaseOrderId && d.skuId === line.skuId);
      const swapped = line.swappedToLineId ? lines.find((l) => l.id === line.swappedToLineId) : undefined;
      return {
        ...line,
        shipments: raw.parcels
          .filter((p) => p.lineId === line.id)
          .map((p) => ({
            carrier: p.carrier,
            trackingNumber: p.trackingNumber,
            trackingUrl: p.trackingUrl,
            shippedAt: new Date(p.shippedAt),
            deliveredAt: p.deliveredAt ? new Date(p.deliveredAt) : null,
            quantity: p.quantity,
          })),
        etaEvents: events.filter((e) => e.orderLineId === line.id),
        basisDelivery:
          delivery && line.etaBasis === "po"
            ? {
                expectedDate: delivery.expectedDate,
                units: delivery.units,
                reference: delivery.reference,
                shipmentMode: delivery.shipmentMode,
                slip:
                  delivery.floorDays === null || delivery.allowanceDays === null
                    ? null
                    : { floorDays: delivery.floorDays, allowanceDays: delivery.allowanceDays },
              }
            : null,
        swappedTo: swapped ? { id: swapped.id, title: swapped.title } : null,
        imageUrl: raw.images.find((i) => i.lineId === line.id)?.url ?? null,
        closedBy: lastAct(raw.acts, line.id),
        swappedBy: line.swappedFromLineId ? lastAct(raw.acts, line.swappedFromLineId) : null,
        awaitingNoticeId:
          line.consentState === "awaiting"
            ? (raw.notices.filter((n) => n.lineId === line.id).at(-1)?.id ?? null)
            : null,
      };
    }),
  };
}

function lastAct(acts: RawView["acts"], lineId: number): LineAct | null {
  const act = acts.filter((a) => a.lineId === String(lineId)).at(-1);
  return act ? { actor: act.actor, at: new Date(act.at) } : null;
}

/**
 * The order page of a signed-in shopper: their own order only. Someone else's order, a made-up id
 * and a missing order all answer null, so none of them can be told apart.
 */
export function shopperOrderView(db: DbOrTx, owner: { orderId: string; email: string }): Promise<OrderView | null> {
  if (!isUuid(owner.orderId)) return Promise.resolve(null);
  return loadOrderView(db, owner.orderId, { shopperEmail: owner.email });
}

type RawView = {
  order: Record<string, unknown>;
  merchant: Record<string, unknown>;
  lines: Record<string, unknown>[];
  events: { event: Record<string, unknown>; note: string | null }[];
  parcels: {
    lineId: number;
    quantity: number;
    carrier: string | null;
    trackingNumber: string | null;
    trackingUrl: string | null;
    shippedAt: string;
    deliveredAt: string | null;
  }[];
  notices: { lineId: number; id: number }[];
  acts: { lineId: string; actor: ActorType; at: string }[];
  images: { lineId: number; url: string }[];
  deliveries: {
    poId: string;
    skuId: string;
    expectedDate: string;
    units: number;
    reference: string;
    shipmentMode: string | null;
    floorDays: number | null;
    allowanceDays: number | null;
  }[];
};

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
    .where(
      inArray(
        orderLines.orderId,
        found.map((f) => f.order.id),
      ),
    )
    .orderBy(asc(orderLines.id));
  return found.reverse().map((f) => ({ ...f, lines: lines.filter((l) => l.orderId === f.order.id) }));
}
