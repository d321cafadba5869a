import { sql } from "drizzle-orm";
import { check, date, index, integer, pgTable, primaryKey, text, unique, uuid } from "drizzle-orm/pg-core";
import { id, merchantId, now, sameShopKey } from "./columns";

export const backorderPolicies = ["deny", "allow", "preorder"] as const;
export type BackorderPolicy = (typeof backorderPolicies)[number];

export const products = pgTable(
  "products",
  {
    id: id(),
    merchantId: merchantId(),
    handle: text().notNull(),
    title: text().notNull(),
    imageUrl: text(),
    createdAt: now(),
  },
  (t) => [
    unique("products_merchant_handle").on(t.merchantId, t.handle),
    unique("products_merchant_id").on(t.merchantId, t.id),
  ],
);

/** A sellable variant. Stock is counted here: `allocated` units of `onHand` are promised to order lines. */
export const skus = pgTable(
  "skus",
  {
    id: id(),
    merchantId: merchantId(),
    productId: uuid().notNull(),
    code: text().notNull(),
    title: text().notNull(),
    variantTitle: text(),
    priceMinor: integer().notNull(),
    currency: text().notNull(),
    imageUrl: text(),
    backorderPolicy: text({ enum: backorderPolicies }).notNull().default("allow"),
    releaseDate: date({ mode: "string" }),
    onHand: integer().notNull().default(0),
    allocated: integer().notNull().default(0),
    reorderPoint: integer().notNull().default(0),
    safetyStock: integer().notNull().default(0),
    /** Usual supplier; a PO names its own. */
    supplierId: uuid(),
    createdAt: now(),
    updatedAt: now(),
  },
  (t) => [
    unique("skus_merchant_code").on(t.merchantId, t.code),
    unique("skus_merchant_id").on(t.merchantId, t.id),
    sameShopKey("skus_product_fk", t.merchantId, t.productId, products),
    index("skus_product_idx").on(t.productId),
    check("skus_policy", sql`${t.backorderPolicy} in ('deny','allow','preorder')`),
    check("skus_preorder_release", sql`${t.backorderPolicy} <> 'preorder' or ${t.releaseDate} is not null`),
    check("skus_price", sql`${t.priceMinor} >= 0`),
    check("skus_currency_code", sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check("skus_stock", sql`${t.onHand} >= 0 and ${t.allocated} >= 0 and ${t.allocated} <= ${t.onHand}`),
    check("skus_planning", sql`${t.reorderPoint} >= 0 and ${t.safetyStock} >= 0`),
  ],
);

/** Alternatives a shopper may swap a backordered line to (one direction per row). */
export const skuSubstitutes = pgTable(
  "sku_substitutes",
  {
    merchantId: uuid().notNull(),
    skuId: uuid().notNull(),
    substituteSkuId: uuid().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.skuId, t.substituteSkuId] }),
    sameShopKey("sku_substitutes_sku_fk", t.merchantId, t.skuId, skus),
    sameShopKey("sku_substitutes_substitute_fk", t.merchantId, t.substituteSkuId, skus),
    check("sku_substitutes_not_self", sql`${t.skuId} <> ${t.substituteSkuId}`),
  ],
);

export type Product = typeof products.$inferSelect;
export type Sku = typeof skus.$inferSelect;
export type NewSku = typeof skus.$inferInsert;
