import { and, eq, inArray, sql } from "drizzle-orm";
import type { Actor } from "../audit/actor";
import { writeAudit } from "../audit/log";
import type { DbOrTx } from "../db/client";
import { skus } from "../db/schema/catalog";
import { merchants } from "../db/schema/merchants";
import { orderLines, orders, shipmentLines, shipments } from "../db/schema/orders";
import { transaction } from "../db/transaction";
import { dateIn } from "../dates";
import { DomainError } from "../errors";
import { recomputeEta } from "../eta/recompute";
import { recordChange } from "../events/record";
import type { ShipmentInput } from "../ingest/schemas";
import { closeOrderIfDone, lineSnapshot, lockLines } from "./lines";
import { numberVariants } from "./read";
import { lineStatusFor, openUnits } from "./line-status";

export type ShipmentResult = { shipmentId: string; created: boolean };

/**
 * Records a parcel that left: marks its units shipped on the order's lines (promised units first)
 * and takes them off stock on hand. A shipment repeated with the same `externalId` has no further
 * effect. Units that are no longer open (cancelled a moment ago) are refused: one of the two wins.
 */
export async function recordShipment(
  db: DbOrTx,
  params: { merchantId: string; input: ShipmentInput; actor: Actor; now: Date },
): Promise<ShipmentResult> {
  const { merchantId, input, actor, now } = params;
  return transaction(db, async (tx) => {
    if (input.externalId) {
      const [repeat] = await tx
        .select({ id: shipments.id })
        .from(shipments)
        .where(and(eq(shipments.merchantId, merchantId), eq(shipments.externalId, input.externalId)));
      if (repeat) return { shipmentId: repeat.id, created: false };
    }
    const [order] = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.merchantId, merchantId), inArray(orders.number, numberVariants(input.orderNumber))));
    if (!order) throw new DomainError("not_found", `No order ${input.orderNumber} for this merchant.`, "orderNumber");
    const [merchant] = await tx.select().from(merchants).where(eq(merchants.id, merchantId));
    const today = dateIn(merchant!.timezone, now);

    const lines = await lockLines(
      tx,
      and(
        eq(orderLines.orderId, order.id),
        inArray(
          orderLines.skuCode,
          input.lines.map((l) => l.sku),
        ),
      ),
    );
    input.lines.forEach((l, i) => {
      if (!lines.some((c) => c.skuCode === l.sku)) {
        throw new DomainError("invalid", `Order ${input.orderNumber} has no line for SKU ${l.sku}.`, `lines[${i}].sku`);
      }
    });
    const skuIds = [...new Set(lines.map((c) => c.skuId))];
    const catalog = await tx.select().from(skus).where(inArray(skus.id, skuIds));

    input.lines.forEach((wanted, i) => {
      const open = lines.filter((l) => l.skuCode === wanted.sku).reduce((n, l) => n + openUnits(l), 0);
      if (wanted.quantity > open) {
        throw new DomainError(
          "conflict",
          open === 0
            ? `Nothing of SKU ${wanted.sku} is left to ship on order ${input.orderNumber}; it was cancelled or already shipped.`
            : `Only ${open} unit(s) of SKU ${wanted.sku} are open on order ${input.orderNumber}.`,
          `lines[${i}].quantity`,
        );
      }
    });

    const [shipment] = await tx
      .insert(shipments)
      .values({
        merchantId,
        orderId: order.id,
        carrier: input.carrier ?? null,
        trackingNumber: input.trackingNumber ?? null,
        trackingUrl: input.trackingUrl ?? null,
        shippedAt: input.shippedAt ? new Date(input.shippedAt) : now,
        externalId: input.externalId ?? null,
        createdAt: now,
      })
      .returning({ id: shipments.id });

    const shippedLines: { lineId: number; sku: string; units: number }[] = [];
    for (const wanted of input.lines) {
      // A SKU can sit on more than one line (after a swap back); fill the oldest open line first.
      let remaining = wanted.quantity;
      for (const line of lines.filter((l) => l.skuCode === wanted.sku)) {
        const open = openUnits(line);
        if (remaining === 0 || open === 0) continue;
        const units = Math.min(open, remaining);
        remaining -= units;
        const fromPromised = Math.min(line.allocatedQuantity, units);
        line.shippedQuantity += units;
        line.allocatedQuantity -= fromPromised;
        const sku = catalog.find((s) => s.id === line.skuId)!;
        const preorderHold = sku.backorderPolicy === "preorder" && !!sku.releaseDate && sku.releaseDate > today;
        line.status = lineStatusFor(line, { preorderHold });
        await tx
          .update(orderLines)
          .set({
            shippedQuantity: line.shippedQuantity,
            allocatedQuantity: line.allocatedQuantity,
            status: line.status,
            shippedAt: now,
            consentDeadline: openUnits(line) === 0 ? null : line.consentDeadline,
            updatedAt: now,
          })
          .where(eq(orderLines.id, line.id));
        // Stock leaves the shelf; units shipped beyond what was promised come out of free stock.
        await tx
          .update(skus)
          .set({
            onHand: sql`greatest(${skus.onHand} - ${units}, ${skus.allocated} - ${fromPromised})`,
            allocated: sql`${skus.allocated} - ${fromPromised}`,
            updatedAt: now,
          })
          .where(eq(skus.id, line.skuId));
        await tx.insert(shipmentLines).values({ shipmentId: shipment!.id, orderLineId: line.id, quantity: units });
        shippedLines.push({ lineId: line.id, sku: line.skuCode, units });
      }
    }

    const etaChanges = await recomputeEta(tx, { skuIds, cause: "queue_moved", now });
    await recordChange(tx, {
      actor,
      now,
      etaChanges,
      events: shippedLines.map((s) => ({
        merchantId,
        orderId: order.id,
        orderLineId: s.lineId,
        type: "line_shipped" as const,
        payload: {
          sku: s.sku,
          units: s.units,
          shipmentId: shipment!.id,
          carrier: input.carrier ?? null,
          trackingNumber: input.trackingNumber ?? null,
          trackingUrl: input.trackingUrl ?? null,
        },
      })),
    });
    await closeOrderIfDone(tx, order.id, now);
    await writeAudit(tx, actor, now, [
      {
        merchantId,
        action: "shipment.recorded",
        entityType: "shipment",
        entityId: shipment!.id,
        orderId: order.id,
        after: { ...input, lines: lines.map(lineSnapshot) },
      },
    ]);
    return { shipmentId: shipment!.id, created: true };
  });
}

export type DeliveryResult = { shipmentId: string; deliveredAt: string; alreadyDelivered: boolean };

/**
 * The carrier handed a parcel over (found by the shop's shipment id): `shipment.delivered` is
 * published once. Repeating it changes nothing and answers with the first delivery time.
 */
export async function recordDelivery(
  db: DbOrTx,
  params: { merchantId: string; externalId: string; deliveredAt?: string; actor: Actor; now: Date },
): Promise<DeliveryResult> {
  const { merchantId, actor, now } = params;
  return transaction(db, async (tx) => {
    const [shipment] = await tx
      .select()
      .from(shipments)
      .where(and(eq(shipments.merchantId, merchantId), eq(shipments.externalId, params.externalId)))
      .for("update");
    if (!shipment)
      throw new DomainError("not_found", `No shipment ${params.externalId} for this merchant.`, "externalId");
    if (shipment.deliveredAt) {
      return { shipmentId: shipment.id, deliveredAt: shipment.deliveredAt.toISOString(), alreadyDelivered: true };
    }
    const deliveredAt = params.deliveredAt ? new Date(params.deliveredAt) : now;
    if (deliveredAt < shipment.shippedAt) {
      throw new DomainError(
        "invalid",
        `deliveredAt is before the parcel shipped (${shipment.shippedAt.toISOString()}).`,
        "deliveredAt",
      );
    }
    await tx.update(shipments).set({ deliveredAt }).where(eq(shipments.id, shipment.id));
    await recordChange(tx, {
      actor,
      now,
      events: [
        {
          type: "shipment_delivered",
          merchantId,
          orderId: shipment.orderId,
          payload: { shipmentId: shipment.id, deliveredAt: deliveredAt.toISOString() },
        },
      ],
    });
    await writeAudit(tx, actor, now, [
      {
        merchantId,
        action: "shipment.delivered",
        entityType: "shipment",
        entityId: shipment.id,
        orderId: shipment.orderId,
        after: { deliveredAt: deliveredAt.toISOString() },
      },
    ]);
    return { shipmentId: shipment.id, deliveredAt: deliveredAt.toISOString(), alreadyDelivered: false };
  });
}

export type ShipmentView = {
  id: string;
  externalId: string;
  orderNumber: string;
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  shippedAt: string;
  deliveredAt: string | null;
  lines: { sku: string; units: number }[];
};

/** A shipment by the shop's own id, within the merchant (GET /shipments/{externalId}). */
export async function shipmentByExternalId(db: DbOrTx, merchantId: string, externalId: string): Promise<ShipmentView> {
  const [shipment] = await db
    .select({ shipment: shipments, orderNumber: orders.number })
    .from(shipments)
    .innerJoin(orders, eq(orders.id, shipments.orderId))
    .where(and(eq(shipments.merchantId, merchantId), eq(shipments.externalId, externalId)));
  if (!shipment) throw new DomainError("not_found", `No shipment ${externalId} for this merchant.`, "externalId");
  const lines = await db
    .select({ sku: orderLines.skuCode, units: shipmentLines.quantity })
    .from(shipmentLines)
    .innerJoin(orderLines, eq(orderLines.id, shipmentLines.orderLineId))
    .where(eq(shipmentLines.shipmentId, shipment.shipment.id))
    .orderBy(orderLines.id);
  const s = shipment.shipment;
  return {
    id: s.id,
    externalId,
    orderNumber: shipment.orderNumber,
    carrier: s.carrier,
    trackingNumber: s.trackingNumber,
    trackingUrl: s.trackingUrl,
    shippedAt: s.shippedAt.toISOString(),
    deliveredAt: s.deliveredAt?.toISOString() ?? null,
    lines,
  };
}
