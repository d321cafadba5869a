import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Actor } from "../audit/actor";
import { writeAudit } from "../audit/log";
import { pipeline, type DbOrTx, type Tx } from "../db/client";
import { skus } from "../db/schema/catalog";
import { merchants } from "../db/schema/merchants";
import { customers, orderLines, orders, type OrderLine } from "../db/schema/orders";
import { transaction } from "../db/transaction";
import { dateIn } from "../dates";
import { DomainError } from "../errors";
import { instant } from "../db/sql-helpers";
import { allocateStatement } from "../eta/allocate";
import { etaChangesFrom, recomputeStatement } from "../eta/recompute";
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
  const seen = new Map<string, number>();
  input.lines.forEach((line, i) => {
    if (seen.has(line.sku)) {
      throw new DomainError("invalid", `SKU ${line.sku} appears in lines[${seen.get(line.sku)}] already; send one line per SKU.`, `lines[${i}].sku`);
    }
    seen.set(line.sku, i);
  });
  return transaction(db, async (tx) => {
    // The order's SKUs with their merchant's settings, locked in a fixed order so concurrent
    // changes to the same queues take turns (as lockSkus does); then the order, if it exists.
    const found = await tx
      .select({ sku: skus, timezone: merchants.timezone, merchantCurrency: merchants.currency })
      .from(skus)
      .innerJoin(merchants, eq(merchants.id, skus.merchantId))
      .where(and(eq(skus.merchantId, merchantId), inArray(skus.code, [...seen.keys()])))
      .orderBy(skus.id)
      .for("update", { of: skus });
    if (found.length === 0 && (await tx.select({ id: merchants.id }).from(merchants).where(eq(merchants.id, merchantId))).length === 0) {
      throw new DomainError("not_found", "Merchant not found.");
    }
    const catalog = found.map((f) => f.sku);
    const byCode = new Map(catalog.map((s) => [s.code, s]));
    input.lines.forEach((line, i) => {
      if (!byCode.has(line.sku)) throw new DomainError("invalid", `Unknown SKU ${line.sku} for this merchant.`, `lines[${i}].sku`);
    });
    const today = dateIn(found[0]!.timezone, now);
    const currency = input.currency ?? found[0]!.merchantCurrency;
    input.lines.forEach((line, i) => {
      const sku = byCode.get(line.sku)!;
      if (line.unitPriceMinor === undefined && sku.currency !== currency) {
        throw new DomainError("invalid", `SKU ${line.sku} is priced in ${sku.currency}; give unitPriceMinor in ${currency}.`, `lines[${i}].unitPriceMinor`);
      }
    });
    const skuIds = catalog.map((s) => s.id);

    const [existing] = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.merchantId, merchantId), eq(orders.number, input.number)))
      .for("update");
    if (existing && existing.currency !== currency) {
      throw new DomainError("invalid", `Order ${input.number} is in ${existing.currency}; its currency cannot change.`, "currency");
    }

    const preorderHold = (skuId: string) => {
      const sku = catalog.find((s) => s.id === skuId)!;
      return sku.backorderPolicy === "preorder" && sku.releaseDate !== null && sku.releaseDate > today;
    };
    const header = {
      email: input.email,
      customerName: input.customerName ?? existing?.customerName ?? null,
      channel: input.channel ?? existing?.channel ?? "api",
      shippingAddress: input.shippingAddress ?? existing?.shippingAddress ?? null,
      externalId: input.externalId ?? existing?.externalId ?? null,
    };
    const orderId = existing?.id ?? randomUUID();
    const placedAt = existing?.placedAt ?? (input.placedAt ? new Date(input.placedAt) : now);
    const newLines: NewLine[] = [];
    // Statements sent together, in order, once the order's lines are known (see `pipeline`).
    const writes: SQL[] = [];
    let current: OrderLine[] = [];

    if (!existing) {
      for (const line of input.lines) {
        const sku = byCode.get(line.sku)!;
        newLines.push({
          sku_id: sku.id,
          sku_code: sku.code,
          title: sku.variantTitle ? `${sku.title} — ${sku.variantTitle}` : sku.title,
          unit_price_minor: line.unitPriceMinor ?? sku.priceMinor,
          quantity: line.quantity,
          status: preorderHold(sku.id) ? "preorder" : "backordered",
        });
      }
      writes.push(createOrderStatement({ merchantId, orderId, number: input.number, currency, placedAt, now, header, lines: newLines }));
    } else {
      const [customer] = await tx
        .insert(customers)
        .values({ merchantId, email: input.email, name: input.customerName ?? null, createdAt: now })
        .onConflictDoUpdate({
          target: [customers.merchantId, customers.email],
          set: { name: sql`coalesce(excluded.name, ${customers.name})` },
        })
        .returning({ id: customers.id });
      await tx
        .update(orders)
        .set({ ...header, customerId: customer!.id, updatedAt: now })
        .where(eq(orders.id, orderId));
      current = await tx.select().from(orderLines).where(eq(orderLines.orderId, orderId)).for("update");
      const currentBySku = new Map(current.filter((l) => l.status !== "swapped").map((l) => [l.skuId, l]));
      const releasedBySku = new Map<string, number>();
      for (const [i, line] of input.lines.entries()) {
        const sku = byCode.get(line.sku)!;
        const had = currentBySku.get(sku.id);
        if (!had) {
          newLines.push({
            sku_id: sku.id,
            sku_code: sku.code,
            title: sku.variantTitle ? `${sku.title} — ${sku.variantTitle}` : sku.title,
            unit_price_minor: line.unitPriceMinor ?? sku.priceMinor,
            quantity: line.quantity,
            status: preorderHold(sku.id) ? "preorder" : "backordered",
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
      if (newLines.length > 0) writes.push(addLinesStatement({ merchantId, orderId, placedAt, now, lines: newLines }));
    }

    writes.push(allocateStatement(skuIds, now));
    if (catalog.some((s) => s.backorderPolicy === "deny")) {
      // Lines a `deny` SKU could not fill were sold anyway; flag them for the merchant.
      writes.push(sql`
        update order_lines l set accepted_on_deny = true
        from skus s
        where l.order_id = ${orderId} and s.id = l.sku_id and s.backorder_policy = 'deny'
          and l.status = 'backordered' and not l.accepted_on_deny`);
    }
    writes.push(recomputeStatement({ skuIds, cause: "queue_moved", now }));
    writes.push(sql`
      select id, sku_id, sku_code, quantity, allocated_quantity, shipped_quantity, cancelled_quantity, status,
             accepted_on_deny, ship_start::text, ship_end::text, eta_basis
      from order_lines where order_id = ${orderId} order by id`);
    const results = await pipeline(tx, writes);
    const etaChanges = etaChangesFrom(results.at(-2)!);
    const lines = results.at(-1)!.map(intakeLine);
    const added = new Set(newLines.map((l) => l.sku_id));
    const events: DomainEventInput[] = lines
      .filter((l) => added.has(l.skuId) && !current.some((c) => c.id === l.id) && (l.status === "backordered" || l.status === "preorder"))
      .map((l) => ({
        merchantId,
        orderId,
        orderLineId: l.id,
        type: l.status === "preorder" ? ("line_preordered" as const) : ("line_backordered" as const),
        payload: { sku: l.skuCode, waiting: openUnits(l) - l.allocatedQuantity, acceptedOnDeny: l.acceptedOnDeny },
      }));
    await recordChange(tx, { actor, now, events, etaChanges });
    // A new order with a line still to ship is open already; anything else may open or close it.
    if (existing || !lines.some((l) => openStatuses.has(l.status))) await closeOrderIfDone(tx, orderId, now);
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

const openStatuses = new Set<string>(["ready", "backordered", "preorder"]);

/** A line to add, in `order_lines` column names. */
type NewLine = { sku_id: string; sku_code: string; title: string; unit_price_minor: number; quantity: number; status: "backordered" | "preorder" };

type OrderHeader = { email: string; customerName: string | null; channel: string; shippingAddress: unknown; externalId: string | null };

/** Adds lines to an order in one statement, in the order given (line ids follow it: the queue's tie-break). */
function addLinesStatement(p: { merchantId: string; orderId: string; placedAt: Date; now: Date; lines: readonly NewLine[] }): SQL {
  return sql`
    insert into order_lines (merchant_id, order_id, sku_id, sku_code, title, unit_price_minor, quantity, status, placed_at, created_at, updated_at)
    ${linesSource(p)}`;
}

function linesSource(p: { merchantId: string; orderId: string; placedAt: Date; now: Date; lines: readonly NewLine[] }): SQL {
  return sql`
    select ${p.merchantId}::uuid, ${p.orderId}::uuid, x.sku_id, x.sku_code, x.title, x.unit_price_minor, x.quantity, x.status,
           ${instant(p.placedAt)}, ${instant(p.now)}, ${instant(p.now)}
    from jsonb_to_recordset(${JSON.stringify(p.lines.map((l, i) => ({ ...l, i })))}::jsonb)
         as x(i int, sku_id uuid, sku_code text, title text, unit_price_minor int, quantity int, status text)
    order by x.i`;
}

/** A new order in one statement: its customer (created or renamed), the order, its lines. */
function createOrderStatement(p: {
  merchantId: string;
  orderId: string;
  number: string;
  currency: string;
  placedAt: Date;
  now: Date;
  header: OrderHeader;
  lines: readonly NewLine[];
}): SQL {
  const { header } = p;
  return sql`
    with customer as (
      insert into customers (merchant_id, email, name, created_at)
      values (${p.merchantId}, ${header.email}, ${header.customerName}, ${instant(p.now)})
      on conflict (merchant_id, email) do update set name = coalesce(excluded.name, customers.name)
      returning id
    ),
    created as (
      insert into orders (id, merchant_id, number, channel, customer_id, email, customer_name, shipping_address, external_id,
                          currency, placed_at, created_at, updated_at)
      select ${p.orderId}::uuid, ${p.merchantId}::uuid, ${p.number}, ${header.channel}, customer.id, ${header.email}, ${header.customerName},
             ${header.shippingAddress === null ? null : JSON.stringify(header.shippingAddress)}::jsonb, ${header.externalId},
             ${p.currency}, ${instant(p.placedAt)}, ${instant(p.now)}, ${instant(p.now)}
      from customer
      returning id
    )
    insert into order_lines (merchant_id, order_id, sku_id, sku_code, title, unit_price_minor, quantity, status, placed_at, created_at, updated_at)
    ${linesSource(p)}`;
}

type IntakeLine = Pick<
  OrderLine,
  "id" | "skuId" | "skuCode" | "quantity" | "allocatedQuantity" | "shippedQuantity" | "cancelledQuantity" | "status" | "acceptedOnDeny" | "shipStart" | "shipEnd" | "etaBasis"
>;

function intakeLine(r: Record<string, unknown>): IntakeLine {
  return {
    id: Number(r.id),
    skuId: r.sku_id as string,
    skuCode: r.sku_code as string,
    quantity: Number(r.quantity),
    allocatedQuantity: Number(r.allocated_quantity),
    shippedQuantity: Number(r.shipped_quantity),
    cancelledQuantity: Number(r.cancelled_quantity),
    status: r.status as OrderLine["status"],
    acceptedOnDeny: Boolean(r.accepted_on_deny),
    shipStart: (r.ship_start as string | null) ?? null,
    shipEnd: (r.ship_end as string | null) ?? null,
    etaBasis: r.eta_basis as OrderLine["etaBasis"],
  };
}

export function lineSnapshot(l: Pick<OrderLine, "id" | "skuCode" | "quantity" | "allocatedQuantity" | "shippedQuantity" | "cancelledQuantity" | "status">) {
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
