import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "../../audit/actor";
import { writeAudit } from "../../audit/log";
import { rows, type Tx } from "../../db/client";
import { shipments } from "../../db/schema/orders";
import { DomainError } from "../../errors";
import { shipmentSchema } from "../../ingest/schemas";
import { recordDelivery, recordShipment } from "../../orders/ship";
import { WaitingFor } from "./errors";
import { findShopifyOrder } from "./orders";
import { describeIssues, type ShopifyFulfillment } from "./payloads";

// fulfillments/create and fulfillments/update: a fulfillment with status `success` is a parcel
// that left, recorded once (its Shopify id is the shipment's externalId, so a repeat or a later
// update adds no units). An update that brings tracking to a recorded parcel fills it in, and one
// whose shipment_status is `delivered` records the delivery (once).

const httpUrl = (value: string | null | undefined) =>
  value && /^https?:\/\/\S+$/i.test(value) && value.length <= 2000 ? value : undefined;

export const shipmentExternalId = (fulfillmentId: string) => `shopify-fulfillment-${fulfillmentId}`;

export async function applyShopifyFulfillment(
  tx: Tx,
  params: { merchantId: string; fulfillment: ShopifyFulfillment; actor: Actor; now: Date },
): Promise<string> {
  const { merchantId, fulfillment, actor, now } = params;
  const externalId = shipmentExternalId(fulfillment.id);
  const label = fulfillment.name ?? `Fulfillment ${fulfillment.id}`;
  const trackingNumbers = [
    ...new Set([fulfillment.tracking_number, ...(fulfillment.tracking_numbers ?? [])].filter((n): n is string => !!n)),
  ];
  const trackingUrls = [
    ...new Set(
      [fulfillment.tracking_url, ...(fulfillment.tracking_urls ?? [])].map(httpUrl).filter((u): u is string => !!u),
    ),
  ];
  const tracking = {
    carrier: fulfillment.tracking_company?.slice(0, 100) || undefined,
    trackingNumber: trackingNumbers[0]?.slice(0, 100),
    trackingUrl: trackingUrls[0],
  };

  const [recorded] = await tx
    .select()
    .from(shipments)
    .where(and(eq(shipments.merchantId, merchantId), eq(shipments.externalId, externalId)));

  if (fulfillment.status !== "success") {
    if (recorded && fulfillment.status === "cancelled") {
      // Units are not un-shipped by a webhook: the shop knows whether the parcel really left.
      throw new DomainError(
        "conflict",
        `Shopify cancelled ${label}, whose units are recorded here as shipped; correct the order by hand if the parcel did not leave.`,
      );
    }
    return `${label} is ${fulfillment.status}: its units count as shipped once Shopify reports it as success.`;
  }

  if (recorded) {
    const delivered = await deliveredNow(tx, { merchantId, externalId, fulfillment, actor, now });
    const changes = {
      carrier: tracking.carrier ?? recorded.carrier,
      trackingNumber: tracking.trackingNumber ?? recorded.trackingNumber,
      trackingUrl: tracking.trackingUrl ?? recorded.trackingUrl,
    };
    if (
      changes.carrier === recorded.carrier &&
      changes.trackingNumber === recorded.trackingNumber &&
      changes.trackingUrl === recorded.trackingUrl
    ) {
      return delivered ? `${label}: delivered.` : `${label} was already recorded; nothing changed.`;
    }
    await tx.update(shipments).set(changes).where(eq(shipments.id, recorded.id));
    await writeAudit(tx, actor, now, [
      {
        merchantId,
        action: "shipment.tracking_updated",
        entityType: "shipment",
        entityId: recorded.id,
        orderId: recorded.orderId,
        before: {
          carrier: recorded.carrier,
          trackingNumber: recorded.trackingNumber,
          trackingUrl: recorded.trackingUrl,
        },
        after: changes,
      },
    ]);
    return `${label}: tracking updated (${[changes.carrier, changes.trackingNumber].filter(Boolean).join(" ")})${delivered ? "; delivered" : ""}.`;
  }

  const order = await findShopifyOrder(tx, merchantId, fulfillment.order_id, fulfillment.name?.replace(/\.\d+$/, ""));
  if (!order) throw new WaitingFor(`The order of ${label} is not here yet (its orders/create has not been processed).`);

  // Units per SKU, capped at what is still open here: units the shopper cancelled in the portal
  // may ship anyway if the shop missed our webhook, and are noted rather than refused.
  const openBySku = new Map(
    (
      await rows<{ sku_code: string; open: number }>(
        tx,
        sql`select sku_code, sum(quantity - shipped_quantity - cancelled_quantity)::int as open
            from order_lines where order_id = ${order.id}::uuid group by sku_code`,
      )
    ).map((r) => [r.sku_code, Number(r.open)]),
  );
  const wanted = new Map<string, number>();
  const notes: string[] = [];
  for (const item of fulfillment.line_items) {
    if (!item.sku) notes.push(`line item ${item.id} has no SKU`);
    else if (!openBySku.has(item.sku)) notes.push(`SKU ${item.sku} is not on this order here`);
    else wanted.set(item.sku, (wanted.get(item.sku) ?? 0) + item.quantity);
  }
  const lines: { sku: string; quantity: number }[] = [];
  for (const [sku, quantity] of wanted) {
    const open = openBySku.get(sku)!;
    if (quantity > open) notes.push(`${quantity - open} unit(s) of ${sku} beyond what is open here were not recorded`);
    if (Math.min(quantity, open) > 0) lines.push({ sku, quantity: Math.min(quantity, open) });
  }
  const notesText = notes.length > 0 ? ` Note: ${notes.join("; ")}.` : "";
  if (lines.length === 0) return `${label}: nothing in it is open on order ${order.number} here.${notesText}`;

  const shippedAt =
    fulfillment.created_at && !Number.isNaN(Date.parse(fulfillment.created_at))
      ? new Date(fulfillment.created_at).toISOString()
      : undefined;
  const parsed = shipmentSchema.safeParse({ orderNumber: order.number, ...tracking, shippedAt, externalId, lines });
  if (!parsed.success) throw new DomainError("invalid", describeIssues(parsed.error));
  await recordShipment(tx, { merchantId, input: parsed.data, actor, now });
  const delivered = await deliveredNow(tx, { merchantId, externalId, fulfillment, actor, now });
  const more = trackingNumbers.length > 1 ? ` Further tracking numbers: ${trackingNumbers.slice(1).join(", ")}.` : "";
  return `${label}: ${lines.map((l) => `${l.quantity} × ${l.sku}`).join(", ")} shipped on order ${order.number}${tracking.trackingNumber ? ` (${[tracking.carrier, tracking.trackingNumber].filter(Boolean).join(" ")})` : ""}${delivered ? ", delivered" : ""}.${more}${notesText}`;
}

/** Records the parcel's delivery when Shopify says it was delivered; true if this update did. */
async function deliveredNow(
  tx: Tx,
  params: { merchantId: string; externalId: string; fulfillment: ShopifyFulfillment; actor: Actor; now: Date },
): Promise<boolean> {
  const { fulfillment } = params;
  if (fulfillment.shipment_status !== "delivered") return false;
  const at =
    fulfillment.updated_at && !Number.isNaN(Date.parse(fulfillment.updated_at)) ? fulfillment.updated_at : null;
  const result = await recordDelivery(tx, {
    merchantId: params.merchantId,
    externalId: params.externalId,
    // Shopify's time of the update, unless it is before the parcel left (clocks disagree): then ours.
    deliveredAt: at ?? undefined,
    actor: params.actor,
    now: params.now,
  }).catch((error: unknown) => {
    if (error instanceof DomainError && error.field === "deliveredAt")
      return recordDelivery(tx, { ...params, deliveredAt: undefined });
    throw error;
  });
  return !result.alreadyDelivered;
}
