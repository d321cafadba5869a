import { and, desc, eq, gte, like, lt, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { rows, type DbOrTx } from "../db/client";
import { addDays, isIsoDate, startOfDayIn } from "../dates";
import { isStorableText } from "../security/text";
import { auditLog } from "../db/schema/audit";
import { merchants } from "../db/schema/merchants";
import { orders } from "../db/schema/orders";
import { inScope, type AgentScope } from "./access";
import { etaHonesty, type HonestyFigure, type ShippedLine } from "./honesty";
import { sqlStatuses, waitingStatuses } from "../orders/line-status";

export type BoardRow = {
  skuId: string;
  code: string;
  title: string;
  merchant: string;
  onHand: number;
  unitsShort: number;
  queueDepth: number;
  rolling: number;
  pastFirstWindow: number;
  consentDueSoon: number;
  nextPo: { reference: string; expectedDate: string; units: number } | null;
};

export const boardSorts = {
  short: "units short",
  queue: "queue depth",
  risk: "lines at risk",
  next_po: "next delivery",
  sku: "SKU",
} as const;
export type BoardSort = keyof typeof boardSorts;

/**
 * The board's query (?merchant=&sort=) as typed by anyone: an unknown sort is "short" (`in` would
 * take "__proto__" or "constructor"), and a merchant that is not a uuid is all shops.
 */
export function boardQuery(params: { merchant?: string | null; sort?: string | null }): {
  merchantId?: string;
  sort: BoardSort;
} {
  const sort = params.sort && Object.hasOwn(boardSorts, params.sort) ? (params.sort as BoardSort) : "short";
  const merchantId = params.merchant && z.uuid().safeParse(params.merchant).success ? params.merchant : undefined;
  return { merchantId, sort };
}

const orderBy: Record<BoardSort, SQL> = {
  short: sql`units_short desc, code`,
  queue: sql`queue_depth desc, code`,
  risk: sql`(rolling + past_first + consent_soon) desc, code`,
  next_po: sql`next_po_date asc nulls last, code`,
  sku: sql`code`,
};

/**
 * Per SKU with anything waiting or on order: units short, queue depth, the next delivery, and the
 * lines at risk (rolling backorders, past their first promised window, consent deadline within a week).
 */
export async function backorderBoard(
  db: DbOrTx,
  scope: AgentScope,
  options: { merchantId?: string; sort?: BoardSort; now?: Date } = {},
): Promise<BoardRow[]> {
  const now = options.now ?? new Date();
  const scoped = and(
    inScope(scope, sql`s.merchant_id`),
    options.merchantId ? sql`s.merchant_id = ${options.merchantId}` : sql`true`,
  );
  const result = await rows<Record<string, unknown>>(
    db,
    sql`
    select s.id, s.code, s.title || coalesce(' — ' || s.variant_title, '') as title, m.name as merchant, s.on_hand,
           coalesce(q.units_short, 0)::int as units_short, coalesce(q.lines, 0)::int as queue_depth,
           coalesce(q.rolling, 0)::int as rolling, coalesce(q.past_first, 0)::int as past_first, coalesce(q.consent_soon, 0)::int as consent_soon,
           po.reference as next_po_reference, po.expected_date::text as next_po_date, po.units as next_po_units
    from skus s
    join merchants m on m.id = s.merchant_id
    left join lateral (
      select sum(l.quantity - l.shipped_quantity - l.cancelled_quantity - l.allocated_quantity) as units_short,
             count(*) as lines,
             count(*) filter (where l.eta_pushes >= 2) as rolling,
             count(*) filter (where l.first_ship_end < (${now.toISOString()}::timestamptz at time zone m.timezone)::date) as past_first,
             count(*) filter (where l.consent_deadline < ${now.toISOString()}::timestamptz + interval '7 days') as consent_soon
      from order_lines l where l.sku_id = s.id and l.status in ${sqlStatuses(waitingStatuses)}
    ) q on true
    left join lateral (
      select p.reference, p.expected_date, pol.quantity - pol.received_quantity as units
      from purchase_order_lines pol join purchase_orders p on p.id = pol.purchase_order_id
      where pol.sku_id = s.id and p.status in ('open', 'partially_received') and pol.quantity > pol.received_quantity
      order by p.expected_date limit 1
    ) po on true
    where ${scoped} and (coalesce(q.lines, 0) > 0 or po.reference is not null)
    order by ${orderBy[options.sort ?? "short"]}`,
  );
  return result.map((r) => ({
    skuId: r.id as string,
    code: r.code as string,
    title: r.title as string,
    merchant: r.merchant as string,
    onHand: Number(r.on_hand),
    unitsShort: Number(r.units_short),
    queueDepth: Number(r.queue_depth),
    rolling: Number(r.rolling),
    pastFirstWindow: Number(r.past_first),
    consentDueSoon: Number(r.consent_soon),
    nextPo: r.next_po_reference
      ? {
          reference: r.next_po_reference as string,
          expectedDate: r.next_po_date as string,
          units: Number(r.next_po_units),
        }
      : null,
  }));
}

/**
 * ETA honesty: how many shipped lines shipped inside the first window we showed, and the median
 * slip, per supplier (lines whose first window rested on that supplier's PO) and per merchant.
 */
export async function honestyFigures(
  db: DbOrTx,
  scope: AgentScope,
  options: { merchantId?: string } = {},
): Promise<{ bySupplier: HonestyFigure[]; byMerchant: HonestyFigure[] }> {
  const shipped = await rows<{
    merchant: string;
    supplier: string | null;
    first_ship_start: string;
    first_ship_end: string;
    shipped_on: string;
  }>(
    db,
    sql`
    with first_window as (
      select distinct on (e.order_line_id) e.order_line_id, e.new_basis, e.purchase_order_id
      from eta_events e where e.new_ship_end is not null and e.order_id in (
        select o.id from orders o where ${inScope(scope, sql`o.merchant_id`)} ${options.merchantId ? sql`and o.merchant_id = ${options.merchantId}` : sql``})
      order by e.order_line_id, e.at, e.id
    )
    select m.name as merchant, case when f.new_basis = 'po' then sup.name end as supplier,
           l.first_ship_start::text, l.first_ship_end::text, (l.shipped_at at time zone m.timezone)::date::text as shipped_on
    from order_lines l
    join merchants m on m.id = l.merchant_id
    join first_window f on f.order_line_id = l.id
    left join purchase_orders po on po.id = f.purchase_order_id
    left join suppliers sup on sup.id = po.supplier_id
    where l.status = 'shipped' and l.first_ship_start is not null and l.shipped_at is not null`,
  );
  const toLine = (group: string, r: (typeof shipped)[number]): ShippedLine => ({
    group,
    firstShipStart: r.first_ship_start,
    firstShipEnd: r.first_ship_end,
    shippedOn: r.shipped_on,
  });
  return {
    bySupplier: etaHonesty(shipped.filter((r) => r.supplier).map((r) => toLine(r.supplier!, r))),
    byMerchant: etaHonesty(shipped.map((r) => toLine(r.merchant, r))),
  };
}

export function boardCsv(board: BoardRow[]): string {
  const cell = (value: string | number) => {
    const text = String(value);
    // Quote everything text-like, and defuse spreadsheet formulas.
    return /^[=+\-@\t\r]/.test(text) || /[",\n]/.test(text)
      ? `"${text.replace(/^([=+\-@\t\r])/, "'$1").replace(/"/g, '""')}"`
      : text;
  };
  const header = [
    "merchant",
    "sku",
    "title",
    "on_hand",
    "units_short",
    "queue_depth",
    "rolling",
    "past_first_window",
    "consent_due_within_7_days",
    "next_po",
    "next_po_date",
    "next_po_units",
  ];
  const lines = board.map((r) =>
    [
      r.merchant,
      r.code,
      r.title,
      r.onHand,
      r.unitsShort,
      r.queueDepth,
      r.rolling,
      r.pastFirstWindow,
      r.consentDueSoon,
      r.nextPo?.reference ?? "",
      r.nextPo?.expectedDate ?? "",
      r.nextPo?.units ?? "",
    ]
      .map(cell)
      .join(","),
  );
  return [header.join(","), ...lines].join("\n") + "\n";
}

export type AuditFilters = {
  actorType?: string;
  merchantId?: string;
  action?: string;
  /** Days in `timeZone` (the page's zone, see pageZone; UTC when not given), as the agent reads the times beside them. */
  from?: string;
  to?: string;
  timeZone?: string;
};

/**
 * The one zone a page of several shops' times is shown in: the shop chosen, or the zone all the
 * agent's shops share; UTC only when they differ (`mixed`), so a time never reads as another day.
 */
export function pageZone(
  shops: readonly { id: string; timezone: string }[],
  merchantId?: string,
): { timeZone: string; mixed: boolean } {
  const chosen = shops.filter((m) => !merchantId || m.id === merchantId);
  const zones = new Set(chosen.map((m) => m.timezone));
  const [only] = zones;
  return zones.size === 1 ? { timeZone: only!, mixed: false } : { timeZone: "UTC", mixed: zones.size > 1 };
}

export const auditActorTypes = ["shopper", "agent", "api", "system", "shopify"];

/** The audit page's query as typed by anyone: what is not one of the agent's shops, a known actor or a real date is ignored. */
export function auditFilters(params: Record<string, string | undefined>, shopIds: readonly string[]): AuditFilters {
  const action = params.action?.trim().slice(0, 60);
  return {
    merchantId: params.merchant && shopIds.includes(params.merchant) ? params.merchant : undefined,
    actorType: params.actor && auditActorTypes.includes(params.actor) ? params.actor : undefined,
    // PostgreSQL refuses a NUL even in a LIKE pattern.
    action: action && isStorableText(action) ? action : undefined,
    from: params.from && isIsoDate(params.from) ? params.from : undefined,
    to: params.to && isIsoDate(params.to) ? params.to : undefined,
  };
}

/** The audit log an agent may see (their merchants' entries), newest first, filtered. */
export async function auditEntries(db: DbOrTx, scope: AgentScope, filters: AuditFilters, limit = 200) {
  const zone = filters.timeZone ?? "UTC";
  return db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      actorType: auditLog.actorType,
      actorId: auditLog.actorId,
      action: auditLog.action,
      entityType: auditLog.entityType,
      entityId: auditLog.entityId,
      orderId: auditLog.orderId,
      orderNumber: orders.number,
      merchant: merchants.name,
      after: auditLog.after,
    })
    .from(auditLog)
    .innerJoin(merchants, eq(merchants.id, auditLog.merchantId))
    .leftJoin(orders, eq(orders.id, auditLog.orderId))
    .where(
      and(
        inScope(scope, auditLog.merchantId),
        filters.merchantId ? eq(auditLog.merchantId, filters.merchantId) : undefined,
        filters.actorType ? eq(auditLog.actorType, filters.actorType as "agent") : undefined,
        filters.action ? like(auditLog.action, `${filters.action.replace(/[\\%_]/g, "\\$&")}%`) : undefined,
        filters.from ? gte(auditLog.at, startOfDayIn(zone, filters.from)) : undefined,
        filters.to ? lt(auditLog.at, startOfDayIn(zone, addDays(filters.to, 1))) : undefined,
      ),
    )
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit);
}
