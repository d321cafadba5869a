import { eq, sql } from "drizzle-orm";
import type { Actor } from "../../audit/actor";
import { writeAudit } from "../../audit/log";
import { rows, type Tx } from "../../db/client";
import { products, skus } from "../../db/schema/catalog";
import { merchants } from "../../db/schema/merchants";
import { DomainError } from "../../errors";
import { toMinor, type ShopifyProduct } from "./payloads";

// products/create and products/update keep our catalogue and the inventory-item mapping current.
// Shopify is where the merchant edits products, and the ingest API has no catalogue endpoint, so
// these webhooks are how a connected shop's SKUs come to exist here. Stock is never taken from
// them (inventory_levels/update is the stock, per location).

export async function syncShopifyProduct(
  tx: Tx,
  params: { merchantId: string; product: ShopifyProduct; actor: Actor; now: Date },
): Promise<string> {
  const { merchantId, product, actor, now } = params;
  const [merchant] = await tx
    .select({ currency: merchants.currency })
    .from(merchants)
    .where(eq(merchants.id, merchantId));
  if (!merchant) throw new DomainError("not_found", "Merchant not found.");

  // Variants without a SKU cannot be ordered by SKU or counted here; two variants may share one.
  const variants = product.variants.filter((v) => v.sku);
  const skipped = product.variants.length - variants.length;
  if (variants.length === 0)
    return `Product “${product.title}”: no variant has a SKU, nothing to keep${skipped ? ` (${skipped} without SKU)` : ""}.`;

  const [row] = await tx
    .insert(products)
    .values({ merchantId, handle: product.handle, title: product.title, createdAt: now })
    .onConflictDoUpdate({ target: [products.merchantId, products.handle], set: { title: product.title } })
    .returning({ id: products.id });

  const synced: { code: string; priceMinor: number; inventoryItemId: string | null }[] = [];
  const seen = new Set<string>();
  for (const variant of variants) {
    const code = variant.sku!.slice(0, 100);
    if (seen.has(code)) continue;
    seen.add(code);
    const variantTitle = variant.title && variant.title !== "Default Title" ? variant.title.slice(0, 200) : null;
    const priceMinor = Math.max(0, toMinor(variant.price, merchant.currency));
    const policy = variant.inventory_policy === "continue" ? "allow" : "deny";
    // The variant's picture, else the product's; only an https address (the page shows it as is).
    const picture =
      product.images?.find((i) => variant.image_id && i.id === variant.image_id)?.src ?? product.image?.src;
    const imageUrl = picture && /^https:\/\/\S+$/i.test(picture) && picture.length <= 2000 ? picture : null;
    await tx
      .insert(skus)
      .values({
        merchantId,
        productId: row!.id,
        code,
        title: product.title,
        variantTitle,
        priceMinor,
        currency: merchant.currency,
        backorderPolicy: policy,
        imageUrl,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: [skus.merchantId, skus.code],
        set: {
          productId: row!.id,
          title: product.title,
          variantTitle,
          priceMinor,
          imageUrl,
          // A pre-order (with its release date) is set here on purpose; Shopify has no such policy.
          backorderPolicy: sql`case when ${skus.backorderPolicy} = 'preorder' then ${skus.backorderPolicy} else ${policy} end`,
          updatedAt: now,
        },
      });
    synced.push({ code, priceMinor, inventoryItemId: null });
  }

  // The mapping: every variant's inventory item to its SKU. An item that no longer belongs to the
  // SKU (the variant was re-created) is dropped with its levels, so old stock stops counting.
  const mapped = variants
    .filter((v) => v.inventory_item_id)
    .map((v) => ({ item: v.inventory_item_id!, code: v.sku!.slice(0, 100) }));
  for (const m of mapped) synced.find((s) => s.code === m.code)!.inventoryItemId ??= m.item;
  if (mapped.length > 0) {
    await tx.execute(sql`
      insert into shopify_inventory_items (merchant_id, inventory_item_id, sku_id)
      select ${merchantId}::uuid, x.item::bigint, s.id
      from jsonb_to_recordset(${JSON.stringify(mapped)}::jsonb) as x(item text, code text)
      join skus s on s.merchant_id = ${merchantId}::uuid and s.code = x.code
      on conflict (merchant_id, inventory_item_id) do update set sku_id = excluded.sku_id`);
  }
  // Only SKUs whose variants name their item now: a payload without ids (Shopify's own example
  // has `inventory_item_id: null`) says nothing about which items are stale.
  const codes = [...new Set(mapped.map((m) => m.code))];
  const stale =
    codes.length === 0
      ? []
      : await rows<{ inventory_item_id: string }>(
          tx,
          sql`delete from shopify_inventory_items i
        using skus s
        where i.merchant_id = ${merchantId}::uuid and s.id = i.sku_id and s.merchant_id = ${merchantId}::uuid
          and s.code = any(string_to_array(${codes.join("\n")}, E'\\n'))
          and not (i.inventory_item_id::text = any(string_to_array(${mapped.map((m) => m.item).join(",")}, ',')))
        returning i.inventory_item_id::text`,
        );
  if (stale.length > 0) {
    await tx.execute(sql`
      delete from shopify_inventory_levels
      where merchant_id = ${merchantId}::uuid and inventory_item_id::text = any(string_to_array(${stale.map((s) => s.inventory_item_id).join(",")}, ','))`);
  }

  await writeAudit(tx, actor, now, [
    {
      merchantId,
      action: "catalog.synced",
      entityType: "product",
      entityId: row!.id,
      after: { handle: product.handle, title: product.title, skus: synced },
    },
  ]);
  const withoutItem = synced.filter((s) => !s.inventoryItemId).length;
  return [
    `Product “${product.title}”: ${synced.length} SKU(s) kept current (${synced.map((s) => s.code).join(", ")})`,
    withoutItem ? `${withoutItem} without an inventory item id, so their stock cannot be matched` : null,
    skipped ? `${skipped} variant(s) without SKU left out` : null,
  ]
    .filter(Boolean)
    .join("; ")
    .concat(".");
}

/** Our SKU ids for Shopify inventory items (as decimal strings). */
export async function skuForInventoryItem(
  tx: Tx,
  merchantId: string,
  inventoryItemId: string,
): Promise<{ skuId: string; code: string } | null> {
  const [found] = await rows<{ sku_id: string; code: string }>(
    tx,
    sql`select i.sku_id, s.code from shopify_inventory_items i join skus s on s.id = i.sku_id
        where i.merchant_id = ${merchantId}::uuid and i.inventory_item_id = ${inventoryItemId}::bigint`,
  );
  return found ? { skuId: found.sku_id, code: found.code } : null;
}
