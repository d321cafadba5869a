import { and, eq, sql, type SQL } from "drizzle-orm";
import type { Actor } from "../audit/actor";
import { writeAudit } from "../audit/log";
import { rows, type DbOrTx } from "../db/client";
import { skus } from "../db/schema/catalog";
import { orderLines, orders } from "../db/schema/orders";
import { transaction } from "../db/transaction";
import { DomainError } from "../errors";
import { recomputeEta } from "../eta/recompute";
import { recordChange } from "../events/record";
import { closeOpenUnits, closeOrderIfDone, lineSnapshot, lockLines, releasePromised } from "./lines";
import { openUnits, sqlStatuses, waitingStatuses } from "./line-status";

export type SwapOption = {
  skuId: string;
  code: string;
  title: string;
  variantTitle: string | null;
  imageUrl: string | null;
  priceMinor: number;
  currency: string;
  /** What the shopper gets back per unit (zero when the price is the same). */
  refundPerUnitMinor: number;
  freeUnits: number;
  /**
   * The same product in another variant (a size or colour), with the variant the shopper ordered;
   * null for a different product (a substitute the shop names).
   */
  sameProduct: { orderedVariant: string | null } | null;
};

/**
 * In-stock alternatives a waiting line may be swapped to: the SKU's substitutes, or other variants
 * of the same product, with enough free stock for the line's open units, at the same or a lower
 * price in the same currency.
 */
export async function swapOptions(db: DbOrTx, params: { merchantId: string; lineId: number }): Promise<SwapOption[]> {
  return (await optionsFor(db, params.merchantId, sql`l.id = ${params.lineId}`)).get(params.lineId) ?? [];
}

/** For every waiting line of one order (the order page asks for all at once). */
export async function swapOptionsForOrder(
  db: DbOrTx,
  params: { merchantId: string; orderId: string },
): Promise<Map<number, SwapOption[]>> {
  return optionsFor(db, params.merchantId, sql`l.order_id = ${params.orderId}`);
}

/**
 * Driven by the lines themselves: their few candidates come from two index lookups per line (other
 * variants by skus_product_idx, substitutes by the sku_substitutes key), and only those are read
 * and checked for stock and price. (The query before joined every SKU of the shop to the lines and
 * probed sku_substitutes per pair: 7 ms a call on the demo data, most of the order page's database
 * time.)
 */
async function optionsFor(db: DbOrTx, merchantId: string, lines: SQL): Promise<Map<number, SwapOption[]>> {
  const options = new Map<number, SwapOption[]>();
  const result = await rows<{
    line_id: number | string;
    id: string;
    code: string;
    title: string;
    variant_title: string | null;
    image_url: string | null;
    price_minor: number;
    currency: string;
    refund: number;
    free: number;
    same_product: boolean;
    ordered_variant: string | null;
  }>(
    db,
    sql`
    with line as (
      select l.id, l.sku_id, l.unit_price_minor, l.quantity - l.shipped_quantity - l.cancelled_quantity as open, o.currency,
             s.product_id, s.variant_title
      from order_lines l join orders o on o.id = l.order_id join skus s on s.id = l.sku_id
      where ${lines} and l.merchant_id = ${merchantId} and l.status in ${sqlStatuses(waitingStatuses)}
    ),
    candidate as (
      select line.id as line_id, alt.id as sku_id from line join skus alt on alt.product_id = line.product_id
      union
      select line.id, ss.substitute_sku_id from line join sku_substitutes ss on ss.sku_id = line.sku_id
    )
    select line.id as line_id, alt.id, alt.code, alt.title, alt.variant_title, alt.image_url, alt.price_minor, alt.currency,
           (line.unit_price_minor - alt.price_minor)::int as refund, (alt.on_hand - alt.allocated)::int as free,
           coalesce(alt.product_id = line.product_id, false) as same_product, line.variant_title as ordered_variant
    from candidate
    join line on line.id = candidate.line_id
    join skus alt on alt.id = candidate.sku_id
    where alt.merchant_id = ${merchantId}
      and alt.id <> line.sku_id
      and alt.on_hand - alt.allocated >= line.open
      and alt.price_minor <= line.unit_price_minor
      and alt.currency = line.currency
      -- A pre-order alternative is not in stock to ship now.
      and alt.backorder_policy <> 'preorder'
    order by line.id, alt.price_minor desc, alt.code`,
  );
  for (const r of result) {
    const lineId = Number(r.line_id);
    options.set(lineId, [
      ...(options.get(lineId) ?? []),
      {
        skuId: r.id,
        code: r.code,
        title: r.title,
        variantTitle: r.variant_title,
        imageUrl: r.image_url,
        priceMinor: Number(r.price_minor),
        currency: r.currency,
        refundPerUnitMinor: Number(r.refund),
        freeUnits: Number(r.free),
        sameProduct: r.same_product ? { orderedVariant: r.ordered_variant } : null,
      },
    ]);
  }
  return options;
}

export type SwapResult = {
  oldLineId: number;
  newLineId: number;
  units: number;
  refundMinor: number;
  /** True when this swap had already been made (a repeated request). */
  repeated: boolean;
};

/**
 * Swaps a waiting line to an in-stock alternative: the alternative's units are reserved with one
 * conditional update (so 100 shoppers racing for the last 5 units give exactly 5 swaps), the old
 * line is closed as swapped and its place in the queue freed, and the new line is ready to ship.
 */
export async function swapLine(
  db: DbOrTx,
  params: { merchantId: string; orderId: string; lineId: number; toSkuId: string; actor: Actor; now: Date },
): Promise<SwapResult> {
  const { merchantId, orderId, lineId, toSkuId, actor, now } = params;
  return transaction(db, async (tx) => {
    const [line] = await lockLines(
      tx,
      and(eq(orderLines.id, lineId), eq(orderLines.orderId, orderId), eq(orderLines.merchantId, merchantId)),
      { alsoSkuIds: [toSkuId] },
    );
    if (!line) throw new DomainError("not_found", "That item is not on this order.");

    if (line.swappedToLineId !== null) {
      const [done] = await tx.select().from(orderLines).where(eq(orderLines.id, line.swappedToLineId));
      if (done && done.skuId === toSkuId) {
        return {
          oldLineId: line.id,
          newLineId: done.id,
          units: done.quantity,
          refundMinor: (line.unitPriceMinor - done.unitPriceMinor) * done.quantity,
          repeated: true,
        };
      }
    }
    if (line.status === "shipped")
      throw new DomainError("conflict", `${line.title} has already shipped, so it can no longer be swapped.`);
    if (line.status === "cancelled" || line.status === "swapped")
      throw new DomainError("conflict", `${line.title} was already cancelled or swapped.`);
    if (line.status === "ready")
      throw new DomainError("conflict", `${line.title} is already being packed, so it can no longer be swapped.`);

    const options = await swapOptions(tx, { merchantId, lineId });
    const option = options.find((o) => o.skuId === toSkuId);
    if (!option) {
      const [alt] = await tx
        .select()
        .from(skus)
        .where(and(eq(skus.id, toSkuId), eq(skus.merchantId, merchantId)));
      if (!alt) throw new DomainError("not_found", "That alternative is not available.");
      if (alt.priceMinor > line.unitPriceMinor)
        throw new DomainError("conflict", `${alt.title} costs more than what you paid, so it cannot be swapped here.`);
      const free = alt.onHand - alt.allocated;
      throw new DomainError(
        "conflict",
        free <= 0
          ? `${alt.title}${alt.variantTitle ? ` (${alt.variantTitle})` : ""} just sold out.`
          : `Only ${free} of ${alt.title} are left, not enough for this item.`,
      );
    }
    const units = openUnits(line);
    const reserved = await rows(
      tx,
      sql`update skus set allocated = allocated + ${units}, updated_at = ${now.toISOString()}::timestamptz
          where id = ${toSkuId} and on_hand - allocated >= ${units} returning id`,
    );
    if (reserved.length === 0) throw new DomainError("conflict", `${option.title} just sold out.`);

    const [order] = await tx.select({ id: orders.id }).from(orders).where(eq(orders.id, orderId));
    const [created] = await tx
      .insert(orderLines)
      .values({
        merchantId,
        orderId: order!.id,
        skuId: toSkuId,
        skuCode: option.code,
        title: option.variantTitle ? `${option.title} — ${option.variantTitle}` : option.title,
        unitPriceMinor: option.priceMinor,
        quantity: units,
        allocatedQuantity: units,
        status: "ready",
        placedAt: line.placedAt,
        swappedFromLineId: line.id,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: orderLines.id });

    const closed = await closeOpenUnits(tx, line, { now, closedAs: "swapped", swappedToLineId: created!.id });
    await releasePromised(tx, new Map([[line.skuId, closed.promised]]), now);

    const etaChanges = await recomputeEta(tx, { skuIds: [line.skuId, toSkuId], cause: "queue_moved", now });
    const refundMinor = option.refundPerUnitMinor * units;
    await recordChange(tx, {
      actor,
      now,
      etaChanges,
      events: [
        {
          merchantId,
          orderId,
          orderLineId: line.id,
          type: "line_swapped",
          payload: { fromSku: line.skuCode, toSku: option.code, newLineId: created!.id, units, refundMinor },
        },
      ],
    });
    await closeOrderIfDone(tx, orderId, now);
    await writeAudit(tx, actor, now, [
      {
        merchantId,
        action: "line.swapped",
        entityType: "order_line",
        entityId: line.id,
        orderId,
        before: lineSnapshot(line),
        after: { toSku: option.code, newLineId: created!.id, units, refundMinor },
      },
    ]);
    return { oldLineId: line.id, newLineId: created!.id, units, refundMinor, repeated: false };
  });
}
