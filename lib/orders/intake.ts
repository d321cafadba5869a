import { and, eq, inArray, sql } from "drizzle-orm";
import type { Actor } from "../audit/actor";
import { writeAudit } from "../audit/log";
import type { DbOrTx, Tx } from "../db/client";
import { skus } from "../db/schema/catalog";
import { merchants } from "../db/schema/merchants";
import { customers, orderLines, orders, type OrderLine } from "../db/schema/orders";
import { transaction } from "../db/transaction";
import { dateIn } from "../dates";
import { DomainError } from "../errors";
import { allocateFreeStock, lockSkus } from "../eta/allocate";
import { recomputeEta } from "../eta/recompute";
import { recordChange, type DomainEventInput } from "../events/record";
import type { OrderUpsert } from "../ingest/schemas";
import { lineStatusFor, openUnits } from "./line-status";

export type OrderUpsertResult = {
  orderId: string;
  number: string;
  created: boolean;
  lines: Pick<OrderLine, "id" | "skuCode" | "quantity" | "status" | "shipStart" | "shipEnd" | "etaBasis">[];
};

/**
 * Creates an order, or brings an existing one (same number) up to date: new SKUs become new
 * lines, a higher quantity adds units to the line, a lower one cancels open units. Lines with no
 * free stock wait in their SKU's queue (pre-orders by policy); a `deny` SKU without stock is
 * accepted but flagged, since the shop has already taken the money. One transaction with the
 * allocation, the ETA recompute, the events and the audit log.
 */
export async function upsertOrder(
  db: DbOrTx,
  params: { merchantId: string; input: OrderUpsert; actor: Actor; now: Date },
): Promise<OrderUpsertResult> {
  const { merchantId, actor, now } = params;
  const input = { ...params.input, email: params.input.email.trim().toLowerCase() };
  return transaction(db, async (tx) => {
    const [merchant] = await tx.select().from(merchants).where(eq(merchants.id, merchantId));
    if (!merchant) throw new DomainError("not_found", "Merchant not found.");
    const today = dateIn(merchant.timezone, now);

    const seen = new Map<string, number>();
    input.lines.forEach((line, i) => {
      if (seen.has(line.sku)) {
        throw new DomainError("invalid", `SKU ${line.sku} appears in lines[${seen.get(line.sku)}] already; send one line per SKU.`, `lines[${i}].sku`);
      }
      seen.set(line.sku, i);
    });
    const catalog = await tx
      .select()
      .from(skus)
      .where(and(eq(skus.merchantId, merchantId), inArray(skus.code, [...seen.keys()])));
    const byCode = new Map(catalog.map((s) => [s.code, s]));
    input.lines.forEach((line, i) => {
      if (!byCode.has(line.sku)) throw new DomainError("invalid", `Unknown SKU ${line.sku} for this merchant.`, `lines[${i}].sku`);
    });
    const currency = input.currency ?? merchant.currency;
    input.lines.forEach((line, i) => {
      const sku = byCode.get(line.sku)!;
      if (line.unitPriceMinor === undefined && sku.currency !== currency) {
        throw new DomainError("invalid", `SKU ${line.sku} is priced in ${sku.currency}; give unitPriceMinor in ${currency}.`, `lines[${i}].unitPriceMinor`);
      }
    });

    const skuIds = catalog.map((s) => s.id);
    await lockSkus(tx, skuIds);

    const [existing] = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.merchantId, merchantId), eq(orders.number, input.number)))
      .for("update");
    if (existing && existing.currency !== currency) {
      throw new DomainError("invalid", `Order ${input.number} is in ${existing.currency}; its currency cannot change.`, "currency");
    }

    const [customer] = await tx
      .insert(customers)
      .values({ merchantId, email: input.email, name: input.customerName ?? null, createdAt: now })
      .onConflictDoUpdate({
        target: [customers.merchantId, customers.email],
        set: { name: sql`coalesce(excluded.name, ${customers.name})` },
      })
      .returning({ id: customers.id });

    const header = {
      email: input.email,
      customerId: customer!.id,
      customerName: input.customerName ?? existing?.customerName ?? null,
      channel: input.channel ?? existing?.channel ?? "api",
      shippingAddress: input.shippingAddress ?? existing?.shippingAddress ?? null,
      externalId: input.externalId ?? existing?.externalId ?? null,
      updatedAt: now,
    };
    let orderId: string;
    let placedAt: Date;
    if (existing) {
      orderId = existing.id;
      placedAt = existing.placedAt;
      await tx.update(orders).set(header).where(eq(orders.id, orderId));
    } else {
      placedAt = input.placedAt ? new Date(input.placedAt) : now;
      const [created] = await tx
        .insert(orders)
        .values({ ...header, merchantId, number: input.number, currency, placedAt, createdAt: now })
        .returning({ id: orders.id });
      orderId = created!.id;
    }

    const current = existing ? await tx.select().from(orderLines).where(eq(orderLines.orderId, orderId)).for("update") : [];
    const currentBySku = new Map(current.filter((l) => l.status !== "swapped").map((l) => [l.skuId, l]));
    const preorderHold = (skuId: string) => {
      const sku = catalog.find((s) => s.id === skuId)!;
      return sku.backorderPolicy === "preorder" && sku.releaseDate !== null && sku.releaseDate > today;
    };

    const newLineSkus: string[] = [];
    const releasedBySku = new Map<string, number>();
    for (const [i, line] of input.lines.entries()) {
      const sku = byCode.get(line.sku)!;
      const had = currentBySku.get(sku.id);
      if (!had) {
        newLineSkus.push(sku.id);
        await tx.insert(orderLines).values({
          merchantId,
          orderId,
          skuId: sku.id,
          skuCode: sku.code,
          title: sku.variantTitle ? `${sku.title} — ${sku.variantTitle}` : sku.title,
          unitPriceMinor: line.unitPriceMinor ?? sku.priceMinor,
          quantity: line.quantity,
          status: preorderHold(sku.id) ? "preorder" : "backordered",
          placedAt,
          createdAt: now,
          updatedAt: now,
        });
      } else if (line.quantity !== had.quantity) {
        const closed = had.shippedQuantity + had.cancelledQuantity;
        if (line.quantity > had.quantity) {
          const next = { ...had, quantity: line.quantity };
          await tx
            .update(orderLines)
            .set({ quantity: line.quantity, status: lineStatusFor(next, { preorderHold: preorderHold(sku.id) }), updatedAt: now })
            .where(eq(orderLines.id, had.id));
        } else {
          const cancel = had.quantity - line.quantity;
          if (cancel > openUnits(had)) {
            throw new DomainError(
              "conflict",
              `${closed} unit(s) of ${sku.code} already shipped or cancelled; the quantity cannot go below that.`,
              `lines[${i}].quantity`,
            );
          }
          // Fewer units wanted: the difference is cancelled, giving back promised stock if needed.
          const stillOpen = openUnits(had) - cancel;
          const release = Math.max(0, had.allocatedQuantity - stillOpen);
          const next = { ...had, cancelledQuantity: had.cancelledQuantity + cancel, allocatedQuantity: had.allocatedQuantity - release };
          await tx
            .update(orderLines)
            .set({
              cancelledQuantity: next.cancelledQuantity,
              allocatedQuantity: next.allocatedQuantity,
              status: lineStatusFor(next, { preorderHold: preorderHold(sku.id) }),
              cancelledAt: stillOpen === 0 ? now : had.cancelledAt,
              updatedAt: now,
            })
            .where(eq(orderLines.id, had.id));
          if (release > 0) releasedBySku.set(sku.id, (releasedBySku.get(sku.id) ?? 0) + release);
        }
      }
    }
    for (const [skuId, units] of releasedBySku) {
      await tx.update(skus).set({ allocated: sql`${skus.allocated} - ${units}` }).where(eq(skus.id, skuId));
    }

    await allocateFreeStock(tx, skuIds, now);
    // Lines a `deny` SKU could not fill were sold anyway; flag them for the merchant.
    await tx.execute(sql`
      update order_lines l set accepted_on_deny = true
      from skus s
      where l.order_id = ${orderId} and s.id = l.sku_id and s.backorder_policy = 'deny'
        and l.status = 'backordered' and not l.accepted_on_deny`);
    const etaChanges = await recomputeEta(tx, { skuIds, cause: "queue_moved", now });

    const lines = await tx.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(orderLines.id);
    const events: DomainEventInput[] = lines
      .filter((l) => newLineSkus.includes(l.skuId) && (l.status === "backordered" || l.status === "preorder"))
      .map((l) => ({
        merchantId,
        orderId,
        orderLineId: l.id,
        type: l.status === "preorder" ? ("line_preordered" as const) : ("line_backordered" as const),
        payload: { sku: l.skuCode, waiting: openUnits(l) - l.allocatedQuantity, acceptedOnDeny: l.acceptedOnDeny },
      }));
    await recordChange(tx, { actor, now, events, etaChanges });
    await closeOrderIfDone(tx, orderId, now);
    await writeAudit(tx, actor, now, [
      {
        merchantId,
        action: existing ? "order.updated" : "order.created",
        entityType: "order",
        entityId: orderId,
        orderId,
        // The folded copy of the name is search's, not part of what changed.
        before: existing ? { ...withoutSearchName(existing), lines: current.map(lineSnapshot) } : null,
        after: { number: input.number, email: input.email, lines: lines.map(lineSnapshot) },
      },
    ]);

    return {
      orderId,
      number: input.number,
      created: !existing,
      lines: lines.map((l) => ({
        id: l.id,
        skuCode: l.skuCode,
        quantity: l.quantity,
        status: l.status,
        shipStart: l.shipStart,
        shipEnd: l.shipEnd,
        etaBasis: l.etaBasis,
      })),
    };
  });
}

export function lineSnapshot(l: OrderLine) {
  return {
    id: l.id,
    sku: l.skuCode,
    quantity: l.quantity,
    allocated: l.allocatedQuantity,
    shipped: l.shippedQuantity,
    cancelled: l.cancelledQuantity,
    status: l.status,
  };
}

/** Marks the order closed (for view-link expiry) once no line has open units, and reopens it otherwise. */
export async function closeOrderIfDone(tx: Tx, orderId: string, now: Date): Promise<void> {
  await tx.execute(sql`
    update orders o set closed_at = case
      when exists (select 1 from order_lines l where l.order_id = o.id and l.status in ('ready','backordered','preorder')) then null
      else coalesce(o.closed_at, ${now.toISOString()}::timestamptz) end
    where o.id = ${orderId}`);
}

function withoutSearchName<T extends { customerNameSearch?: unknown }>(order: T): Omit<T, "customerNameSearch"> {
  const { customerNameSearch: _folded, ...rest } = order;
  return rest;
}
