import { and, eq, inArray, sql } from "drizzle-orm";
import type { Actor } from "../audit/actor";
import { writeAudit, type AuditInput } from "../audit/log";
import type { DbOrTx, Tx } from "../db/client";
import { skus } from "../db/schema/catalog";
import {
  purchaseOrderDateChanges,
  purchaseOrderLines,
  purchaseOrderReceipts,
  purchaseOrders,
  suppliers,
  type PurchaseOrder,
} from "../db/schema/supply";
import { transaction } from "../db/transaction";
import { DomainError } from "../errors";
import { allocateFreeStock, lineReadyEvents, lockSkus } from "../eta/allocate";
import { recomputeEta, type EtaChange } from "../eta/recompute";
import { recordChange } from "../events/record";
import type { PurchaseOrderUpsert, Receipt } from "../ingest/schemas";
import { refreshSlipAllowance } from "./slip";

type Ctx = {
  merchantId: string;
  actor: Actor;
  now: Date;
  /** Re-dating more lines than this leaves their ETA emails to the worker (default 500; see lib/notifications/outbox.ts). */
  inlineEtaEmails?: number;
};

export type PurchaseOrderResult = { purchaseOrderId: string; created: boolean; etaChanges: number };

async function skuIdsByCode(tx: Tx, merchantId: string, codes: readonly string[], field: (i: number) => string) {
  const found = await tx
    .select({ id: skus.id, code: skus.code })
    .from(skus)
    .where(and(eq(skus.merchantId, merchantId), inArray(skus.code, [...codes])));
  const byCode = new Map(found.map((s) => [s.code, s.id]));
  codes.forEach((code, i) => {
    if (!byCode.has(code)) throw new DomainError("invalid", `Unknown SKU ${code} for this merchant.`, field(i));
  });
  const seen = new Set<string>();
  codes.forEach((code, i) => {
    if (seen.has(code)) throw new DomainError("invalid", `SKU ${code} appears twice; send one line per SKU.`, field(i));
    seen.add(code);
  });
  return byCode;
}

async function findPurchaseOrder(tx: Tx, merchantId: string, reference: string): Promise<PurchaseOrder> {
  const [po] = await tx
    .select()
    .from(purchaseOrders)
    .where(and(eq(purchaseOrders.merchantId, merchantId), eq(purchaseOrders.reference, reference)))
    .for("update");
  if (!po) throw new DomainError("not_found", `No purchase order ${reference} for this merchant.`, "reference");
  return po;
}

async function poSkuIds(tx: Tx, purchaseOrderId: string): Promise<string[]> {
  const lines = await tx
    .select({ skuId: purchaseOrderLines.skuId })
    .from(purchaseOrderLines)
    .where(eq(purchaseOrderLines.purchaseOrderId, purchaseOrderId));
  return lines.map((l) => l.skuId);
}

/**
 * Ends a change to one purchase order: its ETA changes recorded, its audit entry written, and what
 * the caller answers.
 */
async function finish(
  tx: Tx,
  ctx: Ctx,
  po: { id: string; created: boolean },
  etaChanges: EtaChange[],
  audit: Pick<AuditInput, "action" | "before" | "after">,
): Promise<PurchaseOrderResult> {
  await recordChange(tx, { actor: ctx.actor, now: ctx.now, etaChanges, inlineEtaEmails: ctx.inlineEtaEmails });
  await writeAudit(tx, ctx.actor, ctx.now, [
    { merchantId: ctx.merchantId, entityType: "purchase_order", entityId: po.id, ...audit },
  ]);
  return { purchaseOrderId: po.id, created: po.created, etaChanges: etaChanges.length };
}

/**
 * Creates a PO, or updates one with the same reference: its expected date (recorded in the date
 * history, and lines re-dated as `po_delayed` / `po_advanced`) and its lines (quantities cannot go
 * below what was received).
 */
export async function upsertPurchaseOrder(
  db: DbOrTx,
  params: Ctx & { input: PurchaseOrderUpsert },
): Promise<PurchaseOrderResult> {
  const { merchantId, input, now } = params;
  return transaction(db, async (tx) => {
    const byCode = await skuIdsByCode(
      tx,
      merchantId,
      input.lines.map((l) => l.sku),
      (i) => `lines[${i}].sku`,
    );
    const [supplier] = await tx
      .insert(suppliers)
      .values({ merchantId, name: input.supplier, createdAt: now })
      .onConflictDoUpdate({ target: [suppliers.merchantId, suppliers.name], set: { name: sql`excluded.name` } })
      .returning({ id: suppliers.id });
    const [existing] = await tx
      .select()
      .from(purchaseOrders)
      .where(and(eq(purchaseOrders.merchantId, merchantId), eq(purchaseOrders.reference, input.reference)))
      .for("update");

    if (!existing) {
      const skuIds = [...byCode.values()];
      await lockSkus(tx, skuIds);
      const [po] = await tx
        .insert(purchaseOrders)
        .values({
          merchantId,
          supplierId: supplier!.id,
          reference: input.reference,
          expectedDate: input.expectedDate,
          firstPromisedDate: input.expectedDate,
          shipmentMode: input.shipmentMode ?? null,
          placedAt: now,
          updatedAt: now,
        })
        .returning();
      await tx.insert(purchaseOrderLines).values(
        input.lines.map((l) => ({
          merchantId,
          purchaseOrderId: po!.id,
          skuId: byCode.get(l.sku)!,
          quantity: l.quantity,
        })),
      );
      await tx.insert(purchaseOrderDateChanges).values({
        merchantId,
        purchaseOrderId: po!.id,
        oldDate: null,
        newDate: input.expectedDate,
        note: input.note ?? null,
        changedAt: now,
      });
      await refreshSlipAllowance(tx, supplier!.id, now, { onlyPurchaseOrderId: po!.id });
      const etaChanges = await recomputeEta(tx, { skuIds, cause: "po_created", now, purchaseOrderId: po!.id });
      return finish(tx, params, { id: po!.id, created: true }, etaChanges, {
        action: "purchase_order.created",
        after: input,
      });
    }

    if (existing.status === "cancelled" || existing.status === "received") {
      throw new DomainError(
        "conflict",
        `Purchase order ${input.reference} is ${existing.status} and cannot change.`,
        "reference",
      );
    }
    if (existing.supplierId !== supplier!.id) {
      throw new DomainError("conflict", `Purchase order ${input.reference} belongs to another supplier.`, "supplier");
    }
    const current = await tx
      .select()
      .from(purchaseOrderLines)
      .where(eq(purchaseOrderLines.purchaseOrderId, existing.id))
      .for("update");
    const skuIds = [...new Set([...current.map((l) => l.skuId), ...byCode.values()])];
    await lockSkus(tx, skuIds);
    let etaChanges: EtaChange[] = [];

    // Another shipment mode reads another history: the PO's window is drawn again.
    const mode = input.shipmentMode ?? existing.shipmentMode;
    const modeChanged = mode !== existing.shipmentMode;
    if (modeChanged) {
      await tx
        .update(purchaseOrders)
        .set({ shipmentMode: mode, updatedAt: now })
        .where(eq(purchaseOrders.id, existing.id));
      await refreshSlipAllowance(tx, existing.supplierId, now, { onlyPurchaseOrderId: existing.id });
    }
    let linesChanged = modeChanged;
    for (const [i, line] of input.lines.entries()) {
      const skuId = byCode.get(line.sku)!;
      const had = current.find((l) => l.skuId === skuId);
      if (!had) {
        await tx
          .insert(purchaseOrderLines)
          .values({ merchantId, purchaseOrderId: existing.id, skuId, quantity: line.quantity });
        linesChanged = true;
      } else if (had.quantity !== line.quantity) {
        if (line.quantity < had.receivedQuantity) {
          throw new DomainError(
            "conflict",
            `${had.receivedQuantity} unit(s) of ${line.sku} were already received.`,
            `lines[${i}].quantity`,
          );
        }
        await tx.update(purchaseOrderLines).set({ quantity: line.quantity }).where(eq(purchaseOrderLines.id, had.id));
        linesChanged = true;
      }
    }
    if (linesChanged) {
      etaChanges = etaChanges.concat(
        await recomputeEta(tx, { skuIds, cause: "po_created", now, purchaseOrderId: existing.id }),
      );
    }
    if (input.expectedDate !== existing.expectedDate) {
      etaChanges = etaChanges.concat(
        await changeDate(tx, existing, input.expectedDate, input.note ?? null, skuIds, now),
      );
    }
    return finish(tx, params, { id: existing.id, created: false }, etaChanges, {
      action: "purchase_order.updated",
      before: {
        expectedDate: existing.expectedDate,
        lines: current.map((l) => ({ skuId: l.skuId, quantity: l.quantity })),
      },
      after: input,
    });
  });
}

async function changeDate(
  tx: Tx,
  po: PurchaseOrder,
  expectedDate: string,
  note: string | null,
  skuIds: string[],
  now: Date,
) {
  await tx.update(purchaseOrders).set({ expectedDate, updatedAt: now }).where(eq(purchaseOrders.id, po.id));
  await tx.insert(purchaseOrderDateChanges).values({
    merchantId: po.merchantId,
    purchaseOrderId: po.id,
    oldDate: po.expectedDate,
    newDate: expectedDate,
    note,
    changedAt: now,
  });
  return recomputeEta(tx, { skuIds, cause: "po_date_changed", now, purchaseOrderId: po.id });
}

/** The supplier moved its date: every line resting on the PO is re-dated in one statement. */
export async function changeExpectedDate(
  db: DbOrTx,
  params: Ctx & { reference: string; expectedDate: string; note?: string },
): Promise<PurchaseOrderResult> {
  return transaction(db, async (tx) => {
    const po = await findPurchaseOrder(tx, params.merchantId, params.reference);
    if (po.status === "cancelled" || po.status === "received") {
      throw new DomainError(
        "conflict",
        `Purchase order ${params.reference} is ${po.status}; its date cannot change.`,
        "reference",
      );
    }
    if (po.expectedDate === params.expectedDate) return { purchaseOrderId: po.id, created: false, etaChanges: 0 };
    const skuIds = await poSkuIds(tx, po.id);
    await lockSkus(tx, skuIds);
    const etaChanges = await changeDate(tx, po, params.expectedDate, params.note ?? null, skuIds, params.now);
    return finish(tx, params, { id: po.id, created: false }, etaChanges, {
      action: "purchase_order.date_changed",
      before: { expectedDate: po.expectedDate },
      after: { expectedDate: params.expectedDate, note: params.note ?? null },
    });
  });
}

export async function cancelPurchaseOrder(
  db: DbOrTx,
  params: Ctx & { reference: string },
): Promise<PurchaseOrderResult> {
  return transaction(db, async (tx) => {
    const po = await findPurchaseOrder(tx, params.merchantId, params.reference);
    if (po.status === "cancelled") return { purchaseOrderId: po.id, created: false, etaChanges: 0 };
    if (po.status === "received") {
      throw new DomainError(
        "conflict",
        `Purchase order ${params.reference} was received in full and cannot be cancelled.`,
        "reference",
      );
    }
    const skuIds = await poSkuIds(tx, po.id);
    await lockSkus(tx, skuIds);
    await tx
      .update(purchaseOrders)
      .set({ status: "cancelled", cancelledAt: params.now, updatedAt: params.now })
      .where(eq(purchaseOrders.id, po.id));
    const etaChanges = await recomputeEta(tx, {
      skuIds,
      cause: "po_cancelled",
      now: params.now,
      purchaseOrderId: po.id,
    });
    return finish(tx, params, { id: po.id, created: false }, etaChanges, {
      action: "purchase_order.cancelled",
      before: { status: po.status },
    });
  });
}

/**
 * Stock arrived against a PO (fully or partly): it goes on hand and is promised to the queue first
 * come first served; lines whose units are all promised become ready to ship. The first receipt of
 * a PO also refreshes its supplier's slip allowance.
 */
export async function receivePurchaseOrder(
  db: DbOrTx,
  params: Ctx & { reference: string; input: Receipt },
): Promise<PurchaseOrderResult> {
  const { merchantId, input, now } = params;
  const receivedAt = input.receivedAt ? new Date(input.receivedAt) : now;
  return transaction(db, async (tx) => {
    const po = await findPurchaseOrder(tx, merchantId, params.reference);
    if (po.status === "cancelled" || po.status === "received") {
      throw new DomainError(
        "conflict",
        `Purchase order ${params.reference} is ${po.status}; nothing more can be received.`,
        "reference",
      );
    }
    const byCode = await skuIdsByCode(
      tx,
      merchantId,
      input.lines.map((l) => l.sku),
      (i) => `lines[${i}].sku`,
    );
    const skuIds = await poSkuIds(tx, po.id);
    await lockSkus(tx, skuIds);
    const poLines = await tx
      .select()
      .from(purchaseOrderLines)
      .where(eq(purchaseOrderLines.purchaseOrderId, po.id))
      .for("update");
    const [{ count: earlierReceipts } = { count: 0 }] = await tx
      .select({ count: sql<number>`count(*)::int` })
      .from(purchaseOrderReceipts)
      .where(eq(purchaseOrderReceipts.purchaseOrderId, po.id));

    for (const [i, line] of input.lines.entries()) {
      const poLine = poLines.find((l) => l.skuId === byCode.get(line.sku));
      if (!poLine)
        throw new DomainError(
          "invalid",
          `Purchase order ${params.reference} has no line for SKU ${line.sku}.`,
          `lines[${i}].sku`,
        );
      const left = poLine.quantity - poLine.receivedQuantity;
      if (line.quantity > left) {
        throw new DomainError(
          "conflict",
          `Only ${left} unit(s) of ${line.sku} are still expected on ${params.reference}.`,
          `lines[${i}].quantity`,
        );
      }
      poLine.receivedQuantity += line.quantity;
      await tx
        .update(purchaseOrderLines)
        .set({ receivedQuantity: poLine.receivedQuantity })
        .where(eq(purchaseOrderLines.id, poLine.id));
      await tx.insert(purchaseOrderReceipts).values({
        merchantId,
        purchaseOrderId: po.id,
        purchaseOrderLineId: poLine.id,
        quantity: line.quantity,
        receivedAt,
      });
      await tx
        .update(skus)
        .set({ onHand: sql`${skus.onHand} + ${line.quantity}`, updatedAt: now })
        .where(eq(skus.id, poLine.skuId));
    }
    const complete = poLines.every((l) => l.receivedQuantity === l.quantity);
    await tx
      .update(purchaseOrders)
      .set({
        status: complete ? "received" : "partially_received",
        receivedAt: complete ? receivedAt : po.receivedAt,
        updatedAt: now,
      })
      .where(eq(purchaseOrders.id, po.id));
    // A PO's first receipt changes its supplier's track record, and with it the window of every
    // line resting on the supplier's open POs: this PO's own SKUs (whose lines may rest on what is
    // left of it, or on another of its POs) and the SKUs of its other POs. So the record is
    // refreshed before either is recomputed.
    const resloped =
      Number(earlierReceipts) === 0
        ? (await refreshSlipAllowance(tx, po.supplierId, now)).filter((id) => !skuIds.includes(id))
        : [];
    const allocations = await allocateFreeStock(tx, skuIds, now);
    let etaChanges = await recomputeEta(tx, { skuIds, cause: "po_received", now, purchaseOrderId: po.id });
    if (resloped.length > 0) {
      await lockSkus(tx, resloped);
      etaChanges = etaChanges.concat(await recomputeEta(tx, { skuIds: resloped, cause: "po_date_changed", now }));
    }
    await recordChange(tx, {
      actor: params.actor,
      now,
      etaChanges,
      events: lineReadyEvents(merchantId, allocations),
    });
    await writeAudit(tx, params.actor, now, [
      { merchantId, action: "purchase_order.received", entityType: "purchase_order", entityId: po.id, after: input },
    ]);
    return { purchaseOrderId: po.id, created: false, etaChanges: etaChanges.length };
  });
}
