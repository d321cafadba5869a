import { and, eq, inArray, sql } from "drizzle-orm";
import type { Actor } from "../../audit/actor";
import { rows, type Tx } from "../../db/client";
import { skus } from "../../db/schema/catalog";
import { orders } from "../../db/schema/orders";
import { DomainError } from "../../errors";
import { orderUpsertSchema, type OrderUpsert } from "../../ingest/schemas";
import { cancelLines } from "../../orders/cancel";
import { upsertOrder } from "../../orders/intake";
import { numberVariants } from "../../orders/read";
import { WaitingFor } from "./errors";
import { describeIssues, shopperEmail, toMinor, type ShopifyOrder } from "./payloads";
import { isWaiting, openStatuses, sqlStatuses } from "../../orders/line-status";

// orders/create, orders/updated and orders/cancelled, applied through the same domain functions
// as the ingest API (one transaction each with allocation, ETAs, events and audit).

const clip = (value: string | null | undefined, max: number) => {
  const trimmed = value?.trim();
  return trimmed ? trimmed.slice(0, max) : undefined;
};

/**
 * The ingest shape of a Shopify order. Line items are matched by SKU; Shopify may list one SKU on
 * several line items (its own example does), so they become one line with the units summed. Items
 * without a SKU, gift cards and items that do not ship are left out: nothing here could wait for
 * them. Quantities are Shopify's `quantity` (what was ordered), never `current_quantity`: a later
 * orders/updated then repeats the same numbers and changes nothing, while cancels made in the
 * portal stay ours.
 */
export function orderUpsertFromShopify(order: ShopifyOrder): { input: OrderUpsert; leftOut: string[] } {
  const leftOut: string[] = [];
  const bySku = new Map<string, { quantity: number; totalMinor: number }>();
  for (const item of order.line_items) {
    const label = item.title ?? `line item ${item.id}`;
    if (!item.sku) leftOut.push(`${label} (no SKU)`);
    else if (item.gift_card) leftOut.push(`${label} (gift card)`);
    else if (item.requires_shipping === false) leftOut.push(`${label} (does not ship)`);
    else if (item.quantity > 0) {
      const sku = item.sku.slice(0, 100);
      const unitMinor = item.price === undefined ? 0 : toMinor(item.price, order.currency);
      const discountMinor = (item.discount_allocations ?? []).reduce(
        (sum, d) => sum + toMinor(d.amount, order.currency),
        0,
      );
      const entry = bySku.get(sku) ?? { quantity: 0, totalMinor: 0 };
      entry.quantity += item.quantity;
      // What the shopper paid for the units, after discounts: refunds are computed from it.
      entry.totalMinor += Math.max(0, unitMinor * item.quantity - discountMinor);
      bySku.set(sku, entry);
    }
  }
  const name =
    [order.customer?.first_name, order.customer?.last_name].filter(Boolean).join(" ") ||
    order.shipping_address?.name ||
    order.billing_address?.name;
  const address = order.shipping_address;
  const shippingAddress = address
    ? Object.fromEntries(
        Object.entries({
          name: clip(address.name ?? [address.first_name, address.last_name].filter(Boolean).join(" "), 200),
          line1: clip(address.address1, 200),
          line2: clip(address.address2, 200),
          city: clip(address.city, 100),
          region: clip(address.province_code ?? address.province, 100),
          postalCode: clip(address.zip, 20),
          country:
            address.country_code && /^[A-Za-z]{2}$/.test(address.country_code)
              ? address.country_code.toUpperCase()
              : undefined,
        }).filter(([, v]) => v !== undefined),
      )
    : undefined;
  const placedAt =
    order.created_at && !Number.isNaN(Date.parse(order.created_at))
      ? new Date(order.created_at).toISOString()
      : undefined;
  return {
    input: {
      number: order.name,
      email: shopperEmail(order)!.toLowerCase(),
      customerName: clip(name, 200),
      channel: "shopify",
      placedAt,
      currency: order.currency,
      shippingAddress: shippingAddress && Object.keys(shippingAddress).length > 0 ? shippingAddress : undefined,
      externalId: order.id,
      lines: [...bySku].map(([sku, { quantity, totalMinor }]) => ({
        sku,
        quantity,
        unitPriceMinor: Math.round(totalMinor / quantity),
      })),
    },
    leftOut,
  };
}

/** Our order for a Shopify order: by its id (kept as `externalId`), else by its name. */
export async function findShopifyOrder(tx: Tx, merchantId: string, shopifyOrderId: string, name?: string | null) {
  const [byId] = await tx
    .select({ id: orders.id, number: orders.number })
    .from(orders)
    .where(and(eq(orders.merchantId, merchantId), eq(orders.externalId, shopifyOrderId)));
  if (byId || !name) return byId ?? null;
  const [byName] = await tx
    .select({ id: orders.id, number: orders.number })
    .from(orders)
    .where(and(eq(orders.merchantId, merchantId), inArray(orders.number, numberVariants(name))));
  return byName ?? null;
}

export async function applyShopifyOrder(
  tx: Tx,
  params: { merchantId: string; order: ShopifyOrder; actor: Actor; now: Date },
): Promise<string> {
  const { merchantId, order, actor, now } = params;
  const { input, leftOut } = orderUpsertFromShopify(order);
  const leftOutNote = leftOut.length > 0 ? ` Left out: ${leftOut.join(", ")}.` : "";
  const existing = await findShopifyOrder(tx, merchantId, order.id, order.name);

  // A line the shopper swapped away (in the portal) is closed as `swapped`; intake would read the
  // SKU as new and add it again on every orders/updated, so it is not sent again.
  let swappedAway: string[] = [];
  if (existing) {
    const swapped = await rows<{ sku_code: string }>(
      tx,
      sql`select sku_code from order_lines where order_id = ${existing.id}::uuid
          group by sku_code having bool_and(status = 'swapped')`,
    );
    swappedAway = swapped.map((s) => s.sku_code);
    input.lines = input.lines.filter((l) => !swappedAway.includes(l.sku));
    input.number = existing.number;
  }
  if (input.lines.length === 0) {
    return existing
      ? `Order ${existing.number}: no change to its lines.${leftOutNote}`
      : `Order ${order.name} not added: none of its line items is a shipped item with a SKU.${leftOutNote}`;
  }

  const codes = input.lines.map((l) => l.sku);
  const known = await tx
    .select({ code: skus.code })
    .from(skus)
    .where(and(eq(skus.merchantId, merchantId), inArray(skus.code, codes)));
  const unknown = codes.filter((c) => !known.some((k) => k.code === c));
  if (unknown.length > 0) {
    // The order is not created with some lines missing: a shopper would read a partial order as
    // the whole truth. products/create or products/update adds the SKU, then this is retried.
    throw new WaitingFor(
      `SKU ${unknown.join(", ")} is not in the catalogue yet (a products/create or products/update webhook adds it).`,
    );
  }
  const parsed = orderUpsertSchema.safeParse(input);
  if (!parsed.success) throw new DomainError("invalid", describeIssues(parsed.error));
  const result = await upsertOrder(tx, { merchantId, input: parsed.data, actor, now });
  const waiting = result.lines.filter((l) => isWaiting(l.status)).length;
  const swappedNote =
    swappedAway.length > 0 ? ` Swapped away in the portal, so not re-added: ${swappedAway.join(", ")}.` : "";
  return `Order ${result.number} ${result.created ? "created" : "updated"}: ${result.lines.length} line(s), ${waiting} waiting.${swappedNote}${leftOutNote}`;
}

export async function applyShopifyCancel(
  tx: Tx,
  params: { merchantId: string; order: ShopifyOrder; actor: Actor; now: Date },
): Promise<string> {
  const { merchantId, order, actor, now } = params;
  const found = await findShopifyOrder(tx, merchantId, order.id, order.name);
  if (!found) throw new WaitingFor(`Order ${order.name} is not here yet (its orders/create has not been processed).`);
  const open = await rows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from order_lines where order_id = ${found.id}::uuid and status in ${sqlStatuses(openStatuses)}`,
  );
  if (Number(open[0]?.n ?? 0) === 0) return `Order ${found.number}: nothing was still open to cancel.`;
  // The shop cancelled the whole order, so lines being packed are cancelled too.
  const result = await cancelLines(tx, {
    merchantId,
    orderId: found.id,
    actor,
    now,
    includeReady: true,
    reason: `Cancelled in Shopify${order.cancel_reason ? ` (${order.cancel_reason})` : ""}`.slice(0, 500),
  });
  const units = result.cancelled.reduce((n, c) => n + c.units, 0);
  return `Order ${found.number} cancelled: ${units} open unit(s) on ${result.cancelled.length} line(s).`;
}
