import { and, eq, inArray, sql } from "drizzle-orm";
import type { Actor } from "../audit/actor";
import { writeAudit } from "../audit/log";
import { rows, type Tx } from "../db/client";
import { products, skus, type BackorderPolicy } from "../db/schema/catalog";
import { merchants } from "../db/schema/merchants";
import { DomainError } from "../errors";
import { uuidArray } from "../db/sql-helpers";
import type { SkuCatalog } from "../ingest/schemas";
import { sqlStatuses, waitingStatuses } from "../orders/line-status";

// The catalogue from a merchant's own systems (POST /api/v1/skus), for shops not on Shopify:
// names, prices, pictures and how each SKU may be sold. Stock is not set here (POST /stock is).

type Stored = {
  id: string;
  code: string;
  handle: string;
  title: string;
  variantTitle: string | null;
  priceMinor: number;
  imageUrl: string | null;
  backorderPolicy: BackorderPolicy;
  releaseDate: string | null;
};

/**
 * Creates or updates SKUs, all or none. A field left out keeps what is stored; null clears it. A
 * SKU with orders waiting keeps its backorder policy and release date: their windows rest on them,
 * and a change there is not one of the reasons a shopper's date may move.
 */
export async function upsertSkus(
  tx: Tx,
  params: { merchantId: string; input: SkuCatalog; actor: Actor; now: Date },
): Promise<{ created: number; updated: number }> {
  const { merchantId, input, actor, now } = params;
  const seen = new Set<string>();
  input.skus.forEach((s, i) => {
    if (seen.has(s.sku)) throw new DomainError("invalid", `SKU ${s.sku} appears twice.`, `skus[${i}].sku`);
    seen.add(s.sku);
  });
  const [merchant] = await tx
    .select({ currency: merchants.currency })
    .from(merchants)
    .where(eq(merchants.id, merchantId));
  if (!merchant) throw new DomainError("not_found", "Merchant not found.");

  // Locked in a fixed order, as order intake locks them, so a change here and an order for the
  // same SKUs take turns; what is read is then what is current.
  const current = await tx
    .select({
      id: skus.id,
      code: skus.code,
      handle: products.handle,
      title: skus.title,
      variantTitle: skus.variantTitle,
      priceMinor: skus.priceMinor,
      imageUrl: skus.imageUrl,
      backorderPolicy: skus.backorderPolicy,
      releaseDate: skus.releaseDate,
    })
    .from(skus)
    .innerJoin(products, eq(products.id, skus.productId))
    .where(and(eq(skus.merchantId, merchantId), inArray(skus.code, [...seen])))
    .orderBy(skus.id)
    .for("update", { of: skus });
  const stored = new Map<string, Stored>(current.map((s) => [s.code, s]));
  const waiting = new Set(
    current.length === 0
      ? []
      : (
          await rows<{ sku_id: string }>(
            tx,
            sql`select distinct sku_id from order_lines
                where sku_id = any(${uuidArray(current.map((s) => s.id))}) and status in ${sqlStatuses(waitingStatuses)}`,
          )
        ).map((r) => r.sku_id),
  );

  const wanted = input.skus.map((s, i) => {
    const before = stored.get(s.sku);
    const policy = s.backorderPolicy ?? before?.backorderPolicy ?? "allow";
    if (policy !== "preorder" && s.releaseDate)
      throw new DomainError(
        "invalid",
        `SKU ${s.sku} is not a pre-order, so it has no release date.`,
        `skus[${i}].releaseDate`,
      );
    const releaseDate =
      policy !== "preorder" ? null : s.releaseDate === undefined ? (before?.releaseDate ?? null) : s.releaseDate;
    if (policy === "preorder" && !releaseDate)
      throw new DomainError(
        "invalid",
        `SKU ${s.sku} is a pre-order, so it needs its release date.`,
        `skus[${i}].releaseDate`,
      );
    if (before && waiting.has(before.id)) {
      if (policy !== before.backorderPolicy)
        throw new DomainError(
          "conflict",
          `SKU ${s.sku} has orders waiting for it, so its backorder policy stays ${before.backorderPolicy} until they ship or are cancelled.`,
          `skus[${i}].backorderPolicy`,
        );
      if (releaseDate !== before.releaseDate)
        throw new DomainError(
          "conflict",
          `SKU ${s.sku} has orders waiting for it, so its release date stays ${before.releaseDate ?? "unset"} until they ship or are cancelled.`,
          `skus[${i}].releaseDate`,
        );
    }
    return {
      code: s.sku,
      handle: s.product ?? before?.handle ?? s.sku,
      title: s.title,
      variantTitle: s.variantTitle === undefined ? (before?.variantTitle ?? null) : s.variantTitle,
      priceMinor: s.priceMinor,
      imageUrl: s.imageUrl === undefined ? (before?.imageUrl ?? null) : s.imageUrl,
      backorderPolicy: policy,
      releaseDate,
      before,
    };
  });

  // One product per handle, named by its first SKU here.
  const handles = [...new Map(wanted.map((w) => [w.handle, w.title])).entries()];
  const productRows = await tx
    .insert(products)
    .values(handles.map(([handle, title]) => ({ merchantId, handle, title, createdAt: now })))
    .onConflictDoUpdate({ target: [products.merchantId, products.handle], set: { title: sql`excluded.title` } })
    .returning({ id: products.id, handle: products.handle });
  const productId = new Map(productRows.map((p) => [p.handle, p.id]));

  const written = await tx
    .insert(skus)
    .values(
      wanted.map((w) => ({
        merchantId,
        productId: productId.get(w.handle)!,
        code: w.code,
        title: w.title,
        variantTitle: w.variantTitle,
        priceMinor: w.priceMinor,
        currency: merchant.currency,
        imageUrl: w.imageUrl,
        backorderPolicy: w.backorderPolicy,
        releaseDate: w.releaseDate,
        createdAt: now,
        updatedAt: now,
      })),
    )
    .onConflictDoUpdate({
      target: [skus.merchantId, skus.code],
      set: {
        productId: sql`excluded.product_id`,
        title: sql`excluded.title`,
        variantTitle: sql`excluded.variant_title`,
        priceMinor: sql`excluded.price_minor`,
        imageUrl: sql`excluded.image_url`,
        backorderPolicy: sql`excluded.backorder_policy`,
        releaseDate: sql`excluded.release_date`,
        updatedAt: now,
      },
    })
    .returning({ id: skus.id, code: skus.code });
  const idOf = new Map(written.map((s) => [s.code, s.id]));

  const shown = (w: Omit<Stored, "id" | "code" | "handle">) => ({
    title: w.title,
    variantTitle: w.variantTitle,
    priceMinor: w.priceMinor,
    imageUrl: w.imageUrl,
    backorderPolicy: w.backorderPolicy,
    releaseDate: w.releaseDate,
  });
  await writeAudit(
    tx,
    actor,
    now,
    wanted.map((w) => ({
      merchantId,
      action: w.before ? "catalog.updated" : "catalog.created",
      entityType: "sku",
      entityId: idOf.get(w.code)!,
      before: w.before ? shown(w.before) : null,
      after: { product: w.handle, ...shown(w) },
    })),
  );
  const updated = wanted.filter((w) => w.before).length;
  return { created: wanted.length - updated, updated };
}
