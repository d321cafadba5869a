import { and, eq, inArray, sql } from "drizzle-orm";
import type { Actor } from "../audit/actor";
import { writeAudit } from "../audit/log";
import type { DbOrTx } from "../db/client";
import { skus } from "../db/schema/catalog";
import { transaction } from "../db/transaction";
import { DomainError } from "../errors";
import { allocateFreeStock, lineReadyEvents, lockSkus, releaseExcessAllocation } from "../eta/allocate";
import { recomputeEta } from "../eta/recompute";
import { recordChange } from "../events/record";
import type { StockLevels } from "../ingest/schemas";

/**
 * Sets stock on hand to what the merchant counted. More stock is promised to the queue first come
 * first served; less than was promised takes units back from the newest lines first.
 */
export async function setStockLevels(
  db: DbOrTx,
  params: { merchantId: string; input: StockLevels; actor: Actor; now: Date },
): Promise<{ updated: number; etaChanges: number }> {
  const { merchantId, input, actor, now } = params;
  return transaction(db, async (tx) => {
    const codes = input.levels.map((l) => l.sku);
    const found = await tx
      .select({ id: skus.id, code: skus.code })
      .from(skus)
      .where(and(eq(skus.merchantId, merchantId), inArray(skus.code, codes)));
    const idByCode = new Map(found.map((s) => [s.code, s.id]));
    const seen = new Set<string>();
    input.levels.forEach((level, i) => {
      if (!idByCode.has(level.sku))
        throw new DomainError("invalid", `Unknown SKU ${level.sku} for this merchant.`, `levels[${i}].sku`);
      if (seen.has(level.sku)) throw new DomainError("invalid", `SKU ${level.sku} appears twice.`, `levels[${i}].sku`);
      seen.add(level.sku);
    });
    const skuIds = [...idByCode.values()];
    await lockSkus(tx, skuIds);
    const before = await tx
      .select({ id: skus.id, code: skus.code, onHand: skus.onHand, allocated: skus.allocated })
      .from(skus)
      .where(inArray(skus.id, skuIds));

    const excess = new Map<string, number>();
    for (const level of input.levels) {
      const sku = before.find((s) => s.code === level.sku)!;
      if (level.onHand < sku.allocated) excess.set(sku.id, sku.allocated - level.onHand);
    }
    await releaseExcessAllocation(tx, excess, now);
    await tx.execute(sql`
      update skus s set on_hand = x.on_hand, updated_at = ${now.toISOString()}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(input.levels.map((l) => ({ id: idByCode.get(l.sku), on_hand: l.onHand })))}::jsonb)
        as x(id uuid, on_hand int)
      where s.id = x.id`);
    const allocations = await allocateFreeStock(tx, skuIds, now);
    const etaChanges = await recomputeEta(tx, { skuIds, cause: "stock_changed", now });
    await recordChange(tx, {
      actor,
      now,
      etaChanges,
      events: lineReadyEvents(merchantId, allocations),
    });
    await writeAudit(
      tx,
      actor,
      now,
      input.levels.map((level) => {
        const sku = before.find((s) => s.code === level.sku)!;
        return {
          merchantId,
          action: "stock.set",
          entityType: "sku",
          entityId: sku.id,
          before: { onHand: sku.onHand },
          after: { onHand: level.onHand },
        };
      }),
    );
    return { updated: input.levels.length, etaChanges: etaChanges.length };
  });
}
