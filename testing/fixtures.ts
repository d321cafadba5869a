import { eq } from "drizzle-orm";
import type { Actor } from "../lib/audit/actor";
import type { DbOrTx } from "../lib/db/client";
import type { ShipmentInput } from "../lib/ingest/schemas";
import { products, skus, type BackorderPolicy } from "../lib/db/schema/catalog";
import { merchants, type NewMerchant } from "../lib/db/schema/merchants";
import { etaEvents, orderLines } from "../lib/db/schema/orders";
import { upsertOrder } from "../lib/orders/intake";
import { recordShipment } from "../lib/orders/ship";
import { receivePurchaseOrder, upsertPurchaseOrder } from "../lib/supply/purchase-orders";

// Small builders for tests: rows made through the same domain functions the app uses.

export const apiActor: Actor = { type: "api", id: "test" };

let counter = 0;

export async function createMerchant(db: DbOrTx, overrides: Partial<NewMerchant> = {}) {
  counter++;
  const [merchant] = await db
    .insert(merchants)
    .values({
      slug: `shop-${counter}-${Math.random().toString(36).slice(2, 8)}`,
      name: `Shop ${counter}`,
      supportEmail: `help@shop${counter}.example`,
      timezone: "UTC",
      handlingDays: 1,
      transitDaysMin: 2,
      transitDaysMax: 4,
      defaultSlipDays: 3,
      ...overrides,
    })
    .returning();
  return merchant!;
}

export async function createSku(
  db: DbOrTx,
  merchantId: string,
  options: {
    code: string;
    onHand?: number;
    policy?: BackorderPolicy;
    releaseDate?: string;
    priceMinor?: number;
    productHandle?: string;
  },
) {
  const handle = options.productHandle ?? options.code.toLowerCase();
  const [product] = await db
    .insert(products)
    .values({ merchantId, handle, title: `Product ${handle}` })
    .onConflictDoUpdate({ target: [products.merchantId, products.handle], set: { title: `Product ${handle}` } })
    .returning();
  const [sku] = await db
    .insert(skus)
    .values({
      merchantId,
      productId: product!.id,
      code: options.code,
      title: `Product ${handle}`,
      priceMinor: options.priceMinor ?? 2500,
      currency: "USD",
      backorderPolicy: options.policy ?? "allow",
      releaseDate: options.releaseDate ?? null,
      onHand: options.onHand ?? 0,
    })
    .returning();
  return sku!;
}

/**
 * Units by SKU code, `{ JACKET: 1, SOCKS: 2 }`, or the API's own list of lines when a test needs
 * what a record cannot say (the same SKU twice, codes that look like numbers, whose keys JavaScript
 * puts first).
 */
export type Units = Record<string, number> | { sku: string; quantity: number }[];

function lineList(units: Units): { sku: string; quantity: number }[] {
  return Array.isArray(units) ? units : Object.entries(units).map(([sku, quantity]) => ({ sku, quantity }));
}

export async function placeOrder(
  db: DbOrTx,
  merchantId: string,
  number: string,
  units: Units,
  at: Date,
  email = `${number.replace("#", "n")}@shopper.example`,
) {
  return upsertOrder(db, {
    merchantId,
    input: { number, email, lines: lineList(units), placedAt: at.toISOString(), customerName: `Shopper ${number}` },
    actor: apiActor,
    now: at,
  });
}

export async function createPo(
  db: DbOrTx,
  merchantId: string,
  reference: string,
  expectedDate: string,
  units: Units,
  now: Date,
  supplier = "Acme Supply",
) {
  return upsertPurchaseOrder(db, {
    merchantId,
    input: { reference, supplier, expectedDate, lines: lineList(units) },
    actor: apiActor,
    now,
  });
}

/** Stock arriving on a purchase order, on the day it is recorded. */
export async function receivePo(
  db: DbOrTx,
  merchantId: string,
  reference: string,
  units: Units,
  now: Date,
  actor = apiActor,
) {
  return receivePurchaseOrder(db, { merchantId, reference, input: { lines: lineList(units) }, actor, now });
}

/** A parcel with these units, without carrier or tracking unless `parcel` gives them. */
export async function shipUnits(
  db: DbOrTx,
  merchantId: string,
  orderNumber: string,
  units: Units,
  now: Date,
  parcel: Omit<ShipmentInput, "orderNumber" | "lines"> = {},
  actor = apiActor,
) {
  return recordShipment(db, { merchantId, input: { ...parcel, orderNumber, lines: lineList(units) }, actor, now });
}

export async function lineOf(db: DbOrTx, orderNumberResult: { lines: { id: number }[] }, index = 0) {
  const [line] = await db.select().from(orderLines).where(eq(orderLines.id, orderNumberResult.lines[index]!.id));
  return line!;
}

export async function eventsOf(db: DbOrTx, lineId: number) {
  return db.select().from(etaEvents).where(eq(etaEvents.orderLineId, lineId)).orderBy(etaEvents.id);
}

/** A fixed clock: day `n` (fractions allowed) of a test calendar, from noon UTC on 2026-11-01. */
export function day(n: number): Date {
  return new Date(Date.UTC(2026, 10, 1, 12) + n * 86_400_000);
}
