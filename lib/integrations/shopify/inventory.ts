import { sql } from "drizzle-orm";
import type { Actor } from "../../audit/actor";
import { rows, type Tx } from "../../db/client";
import { lockSkus } from "../../eta/allocate";
import { setStockLevels } from "../../supply/stock";
import { skuForInventoryItem } from "./catalog";
import { WaitingFor } from "./errors";
import type { ShopifyInventoryLevel } from "./payloads";
import { openStatuses, sqlStatuses } from "../../orders/line-status";

// inventory_levels/update: Shopify's `available` at one location for one inventory item.
//
// Shopify's `available` is on hand minus what unfulfilled orders have committed, and it goes below
// zero for orders taken on backorder. Our `on_hand` is the stock our own queue shares out: a line
// waiting here, or holding units, is one of Shopify's committed units. So the stock we set is
//   sum of `available` over the SKU's items and locations + units still open on our lines,
// which is Shopify's on hand for the units that matter here. Setting `available` alone would hide
// every unit already promised to a waiting shopper and leave the queue stuck behind it.

export async function applyShopifyInventoryLevel(
  tx: Tx,
  params: { merchantId: string; level: ShopifyInventoryLevel; actor: Actor; now: Date },
): Promise<string> {
  const { merchantId, level, actor, now } = params;
  const sku = await skuForInventoryItem(tx, merchantId, level.inventory_item_id);
  if (!sku) {
    throw new WaitingFor(
      `No SKU here is mapped to inventory item ${level.inventory_item_id} (a products/create or products/update webhook with its variant maps it).`,
    );
  }
  if (level.available === null)
    return `SKU ${sku.code}: Shopify does not track this item's inventory; stock left as it is.`;
  const reportedAt = level.updated_at && !Number.isNaN(Date.parse(level.updated_at)) ? new Date(level.updated_at) : now;

  await lockSkus(tx, [sku.skuId]);
  const stored = await rows(
    tx,
    sql`insert into shopify_inventory_levels (merchant_id, inventory_item_id, location_id, available, updated_at)
        values (${merchantId}::uuid, ${level.inventory_item_id}::bigint, ${level.location_id}::bigint, ${level.available}, ${reportedAt.toISOString()}::timestamptz)
        on conflict (merchant_id, inventory_item_id, location_id) do update
          set available = excluded.available, updated_at = excluded.updated_at
          where shopify_inventory_levels.updated_at <= excluded.updated_at
        returning 1`,
  );
  if (stored.length === 0)
    return `SKU ${sku.code}: a newer level for location ${level.location_id} was already applied; this older one is ignored.`;

  const [totals] = await rows<{ available: number; open: number }>(
    tx,
    sql`select
          (select coalesce(sum(l.available), 0)::int from shopify_inventory_levels l
             join shopify_inventory_items i on i.merchant_id = l.merchant_id and i.inventory_item_id = l.inventory_item_id
           where i.merchant_id = ${merchantId}::uuid and i.sku_id = ${sku.skuId}::uuid) as available,
          (select coalesce(sum(quantity - shipped_quantity - cancelled_quantity), 0)::int from order_lines
           where merchant_id = ${merchantId}::uuid and sku_id = ${sku.skuId}::uuid and status in ${sqlStatuses(openStatuses)}) as open`,
  );
  const available = Number(totals!.available);
  const open = Number(totals!.open);
  const onHand = Math.max(0, available + open);
  const result = await setStockLevels(tx, { merchantId, input: { levels: [{ sku: sku.code, onHand }] }, actor, now });
  return `SKU ${sku.code}: ${level.available} available at location ${level.location_id}; stock set to ${onHand} (${available} available in Shopify + ${open} open here)${result.etaChanges > 0 ? `, ${result.etaChanges} ship date(s) moved` : ""}.`;
}
