import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Actor } from "../audit/actor";
import { writeAudit } from "../audit/log";
import { pipeline, type DbOrTx, type Tx } from "../db/client";
import { fromJsonRow } from "../db/json-rows";
import { skus } from "../db/schema/catalog";
import { merchants } from "../db/schema/merchants";
import { customers, orderLines, orders, type Order, type OrderLine } from "../db/schema/orders";
import { transaction } from "../db/transaction";
import { dateIn } from "../dates";
import { DomainError } from "../errors";
import { instant, uuidArray } from "../db/sql-helpers";
import { allocateStatement } from "../eta/allocate";
import { etaChangesFrom, recomputeStatement } from "../eta/recompute";
import { recordChange } from "../events/record";
import type { DomainEvent } from "../events/types";
import { maxOrdersPerBatch, type OrderUpsert } from "../ingest/schemas";
import { isOpen, isWaiting, lineStatusFor, openUnits } from "./line-status";
import { closeOrderIfDone, lineSnapshot } from "./lines";

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
  const [result] = await intake(db, { ...params, inputs: [params.input], field: (_, path) => path });
  return result!;
}

/**
 * `upsertOrder` for many orders in one transaction: all of them or none (a refusal names the
 * field as `orders[3].lines[0].sku`). New orders are written together and their SKUs' queues are
 * allocated and re-dated once, so a merchant's backfill or a WMS sync costs a handful of
 * statements per batch instead of a dozen per order. Each order ends as `upsertOrder` would leave
 * it, except that free stock goes first come first served by order time across the whole batch.
 */
export async function upsertOrders(
  db: DbOrTx,
  params: { merchantId: string; inputs: readonly OrderUpsert[]; actor: Actor; now: Date },
): Promise<OrderUpsertResult[]> {
  return intake(db, { ...params, field: (index, path) => `orders[${index}].${path}` });
}

async function intake(
  db: DbOrTx,
  params: {
    merchantId: string;
    inputs: readonly OrderUpsert[];
    actor: Actor;
    now: Date;
    field: (index: number, path: string) => string;
  },
): Promise<OrderUpsertResult[]> {
  const { merchantId, actor, now, field } = params;
  if (params.inputs.length > maxOrdersPerBatch) {
    throw new DomainError("invalid", `Send at most ${maxOrdersPerBatch} orders at a time.`, "orders");
  }
  const inputs = params.inputs.map((input) => ({ ...input, email: input.email.trim().toLowerCase() }));
  // Each email's customer ends with the last name given for it, as one order after another would
  // leave it (null: keep the name on file).
  const customerNames = new Map<string, string | null>();
  for (const input of inputs)
    customerNames.set(input.email, input.customerName ?? customerNames.get(input.email) ?? null);
  const numbers = new Map<string, number>();
  inputs.forEach((input, o) => {
    if (numbers.has(input.number)) {
      throw new DomainError(
        "invalid",
        `Order ${input.number} appears in orders[${numbers.get(input.number)}] already; send each order once.`,
        field(o, "number"),
      );
    }
    numbers.set(input.number, o);
    const seen = new Map<string, number>();
    input.lines.forEach((line, i) => {
      if (seen.has(line.sku)) {
        throw new DomainError(
          "invalid",
          `SKU ${line.sku} appears in lines[${seen.get(line.sku)}] already; send one line per SKU.`,
          field(o, `lines[${i}].sku`),
        );
      }
      seen.set(line.sku, i);
    });
  });
  const externalIds = new Map<string, number>();
  inputs.forEach((input, o) => {
    if (input.externalId === undefined) return;
    if (externalIds.has(input.externalId)) {
      throw new DomainError(
        "invalid",
        `externalId ${input.externalId} is in orders[${externalIds.get(input.externalId)}] already.`,
        field(o, "externalId"),
      );
    }
    externalIds.set(input.externalId, o);
  });

  return transaction(db, async (tx) => {
    // The orders' SKUs with their merchant's settings, locked in a fixed order so concurrent
    // changes to the same queues take turns (as lockSkus does); then the orders that exist.
    const codes = [...new Set(inputs.flatMap((input) => input.lines.map((l) => l.sku)))];
    const found = await tx
      .select({ sku: skus, timezone: merchants.timezone, merchantCurrency: merchants.currency })
      .from(skus)
      .innerJoin(merchants, eq(merchants.id, skus.merchantId))
      .where(and(eq(skus.merchantId, merchantId), inArray(skus.code, codes)))
      .orderBy(skus.id)
      .for("update", { of: skus });
    const [settings] =
      found.length > 0
        ? found
        : await tx
            .select({ timezone: merchants.timezone, merchantCurrency: merchants.currency })
            .from(merchants)
            .where(eq(merchants.id, merchantId));
    if (!settings) throw new DomainError("not_found", "Merchant not found.");
    const catalog = found.map((f) => f.sku);
    const byCode = new Map(catalog.map((s) => [s.code, s]));
    const byId = new Map(catalog.map((s) => [s.id, s]));
    const currencies = inputs.map((input, o) => {
      input.lines.forEach((line, i) => {
        if (!byCode.has(line.sku))
          throw new DomainError("invalid", `Unknown SKU ${line.sku} for this merchant.`, field(o, `lines[${i}].sku`));
      });
      const currency = input.currency ?? settings.merchantCurrency;
      input.lines.forEach((line, i) => {
        const sku = byCode.get(line.sku)!;
        if (line.unitPriceMinor === undefined && sku.currency !== currency) {
          throw new DomainError(
            "invalid",
            `SKU ${line.sku} is priced in ${sku.currency}; give unitPriceMinor in ${currency}.`,
            field(o, `lines[${i}].unitPriceMinor`),
          );
        }
      });
      return currency;
    });
    const today = dateIn(settings.timezone, now);
    const preorderHold = (skuId: string) => {
      const sku = byId.get(skuId)!;
      return sku.backorderPolicy === "preorder" && sku.releaseDate !== null && sku.releaseDate > today;
    };
    const lineFor = (line: OrderUpsert["lines"][number]): NewLine => {
      const sku = byCode.get(line.sku)!;
      return {
        sku_id: sku.id,
        sku_code: sku.code,
        title: sku.variantTitle ? `${sku.title} — ${sku.variantTitle}` : sku.title,
        unit_price_minor: line.unitPriceMinor ?? sku.priceMinor,
        quantity: line.quantity,
        status: preorderHold(sku.id) ? "preorder" : "backordered",
      };
    };

    const existingRows = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.merchantId, merchantId), inArray(orders.number, [...numbers.keys()])))
      .orderBy(orders.id)
      .for("update");
    const existingByNumber = new Map(existingRows.map((o) => [o.number, o]));
    if (externalIds.size > 0) {
      // An external id names one order of the shop: another number with it is a mistake to report, not a failed insert.
      const taken = await tx
        .select({ number: orders.number, externalId: orders.externalId })
        .from(orders)
        .where(and(eq(orders.merchantId, merchantId), inArray(orders.externalId, [...externalIds.keys()])));
      for (const other of taken) {
        const o = externalIds.get(other.externalId!)!;
        if (other.number !== inputs[o]!.number) {
          throw new DomainError(
            "conflict",
            `externalId ${other.externalId} belongs to order ${other.number} already.`,
            field(o, "externalId"),
          );
        }
      }
    }

    // Statements sent together, in order, once every order's lines are known (see `pipeline`).
    const writes: SQL[] = [];
    const plans: OrderPlan[] = [];
    const created: NewOrder[] = [];
    for (const [o, input] of inputs.entries()) {
      const existing = existingByNumber.get(input.number);
      if (existing && existing.currency !== currencies[o]) {
        throw new DomainError(
          "invalid",
          `Order ${input.number} is in ${existing.currency}; its currency cannot change.`,
          field(o, "currency"),
        );
      }
      const header: OrderHeader = {
        email: input.email,
        customerName: input.customerName ?? existing?.customerName ?? null,
        channel: input.channel ?? existing?.channel ?? "api",
        shippingAddress: input.shippingAddress ?? existing?.shippingAddress ?? null,
        externalId: input.externalId ?? existing?.externalId ?? null,
      };
      const orderId = existing?.id ?? randomUUID();
      const placedAt = existing?.placedAt ?? (input.placedAt ? new Date(input.placedAt) : now);
      if (!existing) {
        const lines = input.lines.map(lineFor);
        created.push({ orderId, number: input.number, currency: currencies[o]!, placedAt, header, lines });
        plans.push({ input, orderId, existing: null, current: [], added: new Set(lines.map((l) => l.sku_id)) });
        continue;
      }
      const update = await updateOrder(tx, {
        merchantId,
        input,
        customerName: customerNames.get(input.email)!,
        existing,
        header,
        now,
        lineFor,
        preorderHold,
        field: (path) => field(o, path),
      });
      if (update.newLines.length > 0)
        writes.push(addLinesStatement({ merchantId, orderId, placedAt, now, lines: update.newLines }));
      plans.push({
        input,
        orderId,
        existing,
        current: update.current,
        added: new Set(update.newLines.map((l) => l.sku_id)),
      });
    }
    if (created.length > 0) {
      const emails = [...new Set(created.map((c) => c.header.email))];
      writes.unshift(
        createOrdersStatement({
          merchantId,
          now,
          orders: created,
          customers: emails.map((email) => ({ email, name: customerNames.get(email)! })),
        }),
      );
    }

    const skuIds = catalog.map((s) => s.id);
    const orderIds = plans.map((p) => p.orderId);
    writes.push(allocateStatement(skuIds, now));
    // Lines a `deny` SKU could not fill were sold anyway; flag them for the merchant.
    writes.push(sql`
      update order_lines l set accepted_on_deny = true
      from skus s
      where l.order_id = any(${uuidArray(orderIds)}) and s.id = l.sku_id and s.backorder_policy = 'deny'
        and l.status = 'backordered' and not l.accepted_on_deny`);
    // New orders only: their lines' windows (see `onlyOrderIds`). A changed order can move the lines behind it.
    const onlyOrderIds = plans.every((p) => !p.existing) ? orderIds : undefined;
    writes.push(recomputeStatement({ skuIds, cause: "queue_moved", now, onlyOrderIds }));
    writes.push(
      sql`select to_json(l) as line from order_lines l where l.order_id = any(${uuidArray(orderIds)}) order by l.id`,
    );
    const results = await pipeline(tx, writes);
    const etaChanges = etaChangesFrom(results.at(-2)!);
    const linesByOrder = new Map<string, OrderLine[]>(orderIds.map((id) => [id, []]));
    for (const row of results.at(-1)!) {
      const line = fromJsonRow(orderLines, row.line as Record<string, unknown>);
      linesByOrder.get(line.orderId)!.push(line);
    }

    const events: DomainEvent[] = plans.flatMap(({ orderId, current, added }) =>
      linesByOrder
        .get(orderId)!
        .filter((l) => added.has(l.skuId) && !current.some((c) => c.id === l.id) && isWaiting(l.status))
        .map((l) => ({
          merchantId,
          orderId,
          orderLineId: l.id,
          type: l.status === "preorder" ? ("line_preordered" as const) : ("line_backordered" as const),
          payload: { sku: l.skuCode, waiting: openUnits(l) - l.allocatedQuantity, acceptedOnDeny: l.acceptedOnDeny },
        })),
    );
    await recordChange(tx, { actor, now, events, etaChanges });
    for (const { orderId, existing } of plans) {
      // A new order with a line still to ship is open already; anything else may open or close it.
      if (existing || !linesByOrder.get(orderId)!.some((l) => isOpen(l.status)))
        await closeOrderIfDone(tx, orderId, now);
    }
    await writeAudit(
      tx,
      actor,
      now,
      plans.map(({ input, orderId, existing, current }) => ({
        merchantId,
        action: existing ? "order.updated" : "order.created",
        entityType: "order",
        entityId: orderId,
        orderId,
        // The folded copy of the name is search's, not part of what changed.
        before: existing ? { ...withoutSearchName(existing), lines: current.map(lineSnapshot) } : null,
        after: { number: input.number, email: input.email, lines: linesByOrder.get(orderId)!.map(lineSnapshot) },
      })),
    );

    return plans.map(({ input, orderId, existing }) => ({
      orderId,
      number: input.number,
      created: !existing,
      lines: linesByOrder.get(orderId)!.map((l) => ({
        id: l.id,
        skuCode: l.skuCode,
        quantity: l.quantity,
        status: l.status,
        shipStart: l.shipStart,
        shipEnd: l.shipEnd,
        etaBasis: l.etaBasis,
      })),
    }));
  });
}

type OrderPlan = {
  input: OrderUpsert;
  orderId: string;
  existing: Order | null;
  current: OrderLine[];
  added: Set<string>;
};

/**
 * Brings an existing order's header and lines up to date: its customer, header, changed
 * quantities and given-back stock are written here; the lines it gains are returned for the
 * caller to add with the others.
 */
async function updateOrder(
  tx: Tx,
  p: {
    merchantId: string;
    input: OrderUpsert;
    /** The name the customer ends with (see `intake`). */
    customerName: string | null;
    existing: Order;
    header: OrderHeader;
    now: Date;
    lineFor: (line: OrderUpsert["lines"][number]) => NewLine;
    preorderHold: (skuId: string) => boolean;
    field: (path: string) => string;
  },
): Promise<{ current: OrderLine[]; newLines: NewLine[] }> {
  const { merchantId, input, existing, header, now, preorderHold } = p;
  const [customer] = await tx
    .insert(customers)
    .values({ merchantId, email: input.email, name: p.customerName, createdAt: now })
    .onConflictDoUpdate({
      target: [customers.merchantId, customers.email],
      set: { name: sql`coalesce(excluded.name, ${customers.name})` },
    })
    .returning({ id: customers.id });
  await tx
    .update(orders)
    .set({ ...header, customerId: customer!.id, updatedAt: now })
    .where(eq(orders.id, existing.id));
  const current = await tx.select().from(orderLines).where(eq(orderLines.orderId, existing.id)).for("update");
  const currentBySku = new Map(current.filter((l) => l.status !== "swapped").map((l) => [l.skuId, l]));
  const newLines: NewLine[] = [];
  const releasedBySku = new Map<string, number>();
  for (const [i, line] of input.lines.entries()) {
    const added = p.lineFor(line);
    const had = currentBySku.get(added.sku_id);
    if (!had) {
      newLines.push(added);
    } else if (line.quantity !== had.quantity) {
      const closed = had.shippedQuantity + had.cancelledQuantity;
      if (line.quantity > had.quantity) {
        const next = { ...had, quantity: line.quantity };
        await tx
          .update(orderLines)
          .set({
            quantity: line.quantity,
            status: lineStatusFor(next, { preorderHold: preorderHold(had.skuId) }),
            updatedAt: now,
          })
          .where(eq(orderLines.id, had.id));
      } else {
        const cancel = had.quantity - line.quantity;
        if (cancel > openUnits(had)) {
          throw new DomainError(
            "conflict",
            `${closed} unit(s) of ${had.skuCode} already shipped or cancelled; the quantity cannot go below that.`,
            p.field(`lines[${i}].quantity`),
          );
        }
        // Fewer units wanted: the difference is cancelled, giving back promised stock if needed.
        const stillOpen = openUnits(had) - cancel;
        const release = Math.max(0, had.allocatedQuantity - stillOpen);
        const next = {
          ...had,
          cancelledQuantity: had.cancelledQuantity + cancel,
          allocatedQuantity: had.allocatedQuantity - release,
        };
        await tx
          .update(orderLines)
          .set({
            cancelledQuantity: next.cancelledQuantity,
            allocatedQuantity: next.allocatedQuantity,
            status: lineStatusFor(next, { preorderHold: preorderHold(had.skuId) }),
            cancelledAt: stillOpen === 0 ? now : had.cancelledAt,
            updatedAt: now,
          })
          .where(eq(orderLines.id, had.id));
        if (release > 0) releasedBySku.set(had.skuId, (releasedBySku.get(had.skuId) ?? 0) + release);
      }
    }
  }
  for (const [skuId, units] of releasedBySku) {
    await tx
      .update(skus)
      .set({ allocated: sql`${skus.allocated} - ${units}` })
      .where(eq(skus.id, skuId));
  }
  return { current, newLines };
}

/** A line to add, in `order_lines` column names. */
type NewLine = {
  sku_id: string;
  sku_code: string;
  title: string;
  unit_price_minor: number;
  quantity: number;
  status: "backordered" | "preorder";
};

type OrderHeader = {
  email: string;
  customerName: string | null;
  channel: Order["channel"];
  shippingAddress: Order["shippingAddress"];
  externalId: string | null;
};

type NewOrder = {
  orderId: string;
  number: string;
  currency: string;
  placedAt: Date;
  header: OrderHeader;
  lines: readonly NewLine[];
};

/** Adds lines to an order in one statement, in the order given (line ids follow it: the queue's tie-break). */
function addLinesStatement(p: {
  merchantId: string;
  orderId: string;
  placedAt: Date;
  now: Date;
  lines: readonly NewLine[];
}): SQL {
  return linesInsert(p.merchantId, p.now, [{ orderId: p.orderId, placedAt: p.placedAt, lines: p.lines }]);
}

function linesInsert(
  merchantId: string,
  now: Date,
  orders: readonly { orderId: string; placedAt: Date; lines: readonly NewLine[] }[],
): SQL {
  const rows = orders
    .flatMap((o) => o.lines.map((l) => ({ ...l, order_id: o.orderId, placed_at: o.placedAt.toISOString() })))
    .map((l, i) => ({ ...l, i }));
  return sql`
    insert into order_lines (merchant_id, order_id, sku_id, sku_code, title, unit_price_minor, quantity, status, placed_at, created_at, updated_at)
    select ${merchantId}::uuid, x.order_id, x.sku_id, x.sku_code, x.title, x.unit_price_minor, x.quantity, x.status, x.placed_at,
           ${instant(now)}, ${instant(now)}
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
         as x(i int, order_id uuid, sku_id uuid, sku_code text, title text, unit_price_minor int, quantity int, status text, placed_at timestamptz)
    order by x.i`;
}

/** New orders in one statement: their customers (created or renamed), the orders, and their lines in the order given. */
function createOrdersStatement(p: {
  merchantId: string;
  now: Date;
  orders: readonly NewOrder[];
  customers: readonly { email: string; name: string | null }[];
}): SQL {
  const headers = p.orders.map((o, i) => ({
    i,
    id: o.orderId,
    number: o.number,
    channel: o.header.channel,
    email: o.header.email,
    customer_name: o.header.customerName,
    shipping_address: o.header.shippingAddress,
    external_id: o.header.externalId,
    currency: o.currency,
    placed_at: o.placedAt.toISOString(),
  }));
  return sql`
    with given as (
      select * from jsonb_to_recordset(${JSON.stringify(headers)}::jsonb)
        as x(i int, id uuid, number text, channel text, email text, customer_name text, shipping_address jsonb, external_id text,
             currency text, placed_at timestamptz)
    ),
    customer as (
      insert into customers (merchant_id, email, name, created_at)
      select ${p.merchantId}::uuid, x.email, x.name, ${instant(p.now)}
      from jsonb_to_recordset(${JSON.stringify(p.customers)}::jsonb) as x(email text, name text)
      order by x.email
      on conflict (merchant_id, email) do update set name = coalesce(excluded.name, customers.name)
      returning id, email
    ),
    created as (
      insert into orders (id, merchant_id, number, channel, customer_id, email, customer_name, shipping_address, external_id,
                          currency, placed_at, created_at, updated_at)
      select g.id, ${p.merchantId}::uuid, g.number, g.channel, c.id, g.email, g.customer_name, g.shipping_address, g.external_id,
             g.currency, g.placed_at, ${instant(p.now)}, ${instant(p.now)}
      from given g join customer c on c.email = g.email
      order by g.i
      returning id
    )
    ${linesInsert(p.merchantId, p.now, p.orders)}`;
}

function withoutSearchName<T extends { customerNameSearch?: unknown }>(order: T): Omit<T, "customerNameSearch"> {
  const { customerNameSearch: _folded, ...rest } = order;
  return rest;
}
