import { sql, type SQL } from "drizzle-orm";
import { rows, type DbOrTx } from "../../lib/db/client";

// The check each fault drill ends with: the whole database read at rest, and (when the drill has
// them) what the Resend stand-in and the merchant's webhook endpoint actually received. Every
// check is one statement over all merchants, so it stays quick at a few hundred thousand rows.
//
// What the checks hold, in the schema's terms:
// - units: a SKU's `allocated` is exactly what its open lines hold (that closed lines hold none,
//   and no line more than it has, the table's own checks enforce); a line's shipped units are its
//   shipments' units; a PO line's received units are its receipts'. Given a
//   stock snapshot from before the drill, on hand never grew beyond what was received since, nor
//   fell further than what shipped since (stock counts set by the merchant excuse a SKU).
// - first come first served: the engine promises free stock to each SKU's queue in order of
//   placed time, then line id, at every change. So no stock sits free while a line of that SKU
//   waits, and no line holds promised units while a line ahead of it that was already in the
//   queue when it arrived still waits. "Already there" is a lower line id: intake and swaps insert
//   lines while holding the SKU's lock, so ids follow arrival in each queue (the request's clock
//   does not: two requests may reach the lock in the other order). A line that arrives later with
//   an earlier placed time does not take units already promised, by design.
// - cancelled and shipped: the table's own checks already refuse more units shipped plus
//   cancelled than ordered; on top, no line that reads cancelled or swapped has shipped units, and
//   no line's shipments carry units that were cancelled.
// - outbox: every committed domain event that asks for an email has its notification, written in
//   the same transaction (same instant): backordered, shipped (per parcel), cancelled, swapped,
//   and each ETA change after the first one gathered into an ETA email of its order.
// - email: given the stand-in's deliveries, no notification reached it twice, every notification
//   marked sent reached it, and nothing it received is still unsent in the outbox.
// - webhooks: every cancel/swap/consent event of a merchant with an enabled endpoint has its
//   delivery; given the receiver's log, every delivery marked delivered was answered 2xx, and none
//   was answered 2xx twice.

export type InvariantName =
  "units" | "first_come_first_served" | "cancelled_and_shipped" | "outbox" | "email_once" | "webhooks";

export type Violation = { check: InvariantName; message: string };

/** On hand and the running totals it moves with, per SKU, taken before a drill. */
export type StockSnapshot = { takenAt: Date; skus: Map<string, { onHand: number; received: number; shipped: number }> };

export type EmailDelivery = { notificationId: string | null; idempotencyKey: string | null };

export type WebhookReceipt = { webhookId: string | null; answeredWith: number | "hang" };

export type InvariantOptions = {
  stockBefore?: StockSnapshot;
  /** Every email the stand-in accepted (replays excluded); omitted: the email checks are skipped. */
  emailDeliveries?: readonly EmailDelivery[];
  /** Notifications sent before this (seeded history, say) never went through the stand-in. */
  emailsSince?: Date;
  /** Every request the webhook receiver got; omitted: only the outbox side of webhooks is checked. */
  webhookReceipts?: readonly WebhookReceipt[];
  /** Examples shown per check before "and N more" (default 5). */
  examples?: number;
};

const int = (v: unknown) => Number(v ?? 0);

export async function takeStockSnapshot(db: DbOrTx): Promise<StockSnapshot> {
  const found = await rows<{ id: string; on_hand: number; received: number; shipped: number; now: string }>(
    db,
    sql`select s.id, s.on_hand,
               coalesce((select sum(r.quantity) from purchase_order_receipts r join purchase_order_lines pl on pl.id = r.purchase_order_line_id where pl.sku_id = s.id), 0)::int as received,
               coalesce((select sum(sl.quantity) from shipment_lines sl join order_lines l on l.id = sl.order_line_id where l.sku_id = s.id), 0)::int as shipped,
               now()::text as now
        from skus s`,
  );
  const takenAt = found[0] ? new Date(found[0].now) : new Date();
  return {
    takenAt,
    skus: new Map(
      found.map((r) => [r.id, { onHand: int(r.on_hand), received: int(r.received), shipped: int(r.shipped) }]),
    ),
  };
}

/** Checks the whole database; an empty list is green. */
export async function checkInvariants(db: DbOrTx, options: InvariantOptions = {}): Promise<Violation[]> {
  const limit = options.examples ?? 5;
  const violations: Violation[] = [];
  const report = (
    check: InvariantName,
    found: Record<string, unknown>[],
    sentence: (r: Record<string, unknown>) => string,
  ) => {
    for (const r of found.slice(0, limit)) violations.push({ check, message: sentence(r) });
    if (found.length > limit) violations.push({ check, message: `…and ${found.length - limit} more like these.` });
  };
  const q = (statement: SQL) => rows<Record<string, unknown>>(db, statement);
  const line = (r: Record<string, unknown>, prefix = "") =>
    `line ${r[`${prefix}line_id`]} (order ${r[`${prefix}number`] ?? "?"}, SKU ${r[`${prefix}sku`] ?? "?"})`;

  // ---- units conserved -------------------------------------------------------------------------
  report(
    "units",
    await q(sql`
      select s.code as sku, m.slug as merchant, s.allocated, coalesce(x.held, 0)::int as held
      from skus s join merchants m on m.id = s.merchant_id
      left join (select sku_id, sum(allocated_quantity) as held from order_lines
                 where status in ('ready', 'backordered', 'preorder') group by sku_id) x on x.sku_id = s.id
      where s.allocated <> coalesce(x.held, 0)
      order by m.slug, s.code`),
    (r) => `SKU ${r.sku} (${r.merchant}) counts ${r.allocated} unit(s) as promised, but its open lines hold ${r.held}.`,
  );
  report(
    "units",
    await q(sql`
      select l.id as line_id, o.number, l.sku_code as sku, l.shipped_quantity, coalesce(x.units, 0)::int as in_shipments
      from order_lines l join orders o on o.id = l.order_id
      left join (select order_line_id, sum(quantity) as units from shipment_lines group by order_line_id) x on x.order_line_id = l.id
      where l.shipped_quantity <> coalesce(x.units, 0)
      order by l.id`),
    (r) => `${cap(line(r))} counts ${r.shipped_quantity} unit(s) shipped, but its shipments carry ${r.in_shipments}.`,
  );
  report(
    "units",
    await q(sql`
      select pl.id, po.reference, s.code as sku, pl.received_quantity, coalesce(x.units, 0)::int as in_receipts
      from purchase_order_lines pl join purchase_orders po on po.id = pl.purchase_order_id join skus s on s.id = pl.sku_id
      left join (select purchase_order_line_id, sum(quantity) as units from purchase_order_receipts group by purchase_order_line_id) x
        on x.purchase_order_line_id = pl.id
      where pl.received_quantity <> coalesce(x.units, 0)
      order by pl.id`),
    (r) =>
      `PO ${r.reference} counts ${r.received_quantity} unit(s) of ${r.sku} received, but its receipts add up to ${r.in_receipts}.`,
  );
  if (options.stockBefore) {
    const before = options.stockBefore;
    const now = await takeStockSnapshot(db);
    const recounted = new Set(
      (
        await rows<{ entity_id: string }>(
          db,
          sql`select distinct entity_id from audit_log where action = 'stock.set' and at >= ${before.takenAt.toISOString()}::timestamptz`,
        )
      ).map((r) => r.entity_id),
    );
    const codes = new Map(
      (await rows<{ id: string; code: string }>(db, sql`select id, code from skus`)).map((r) => [r.id, r.code]),
    );
    const drifted: Record<string, unknown>[] = [];
    for (const [id, after] of now.skus) {
      const was = before.skus.get(id) ?? { onHand: 0, received: 0, shipped: 0 };
      if (recounted.has(id)) continue;
      const received = after.received - was.received;
      const shipped = after.shipped - was.shipped;
      // Shipping takes units off the shelf but never below what is promised (the warehouse may
      // ship units the count did not know of), so on hand may fall by less than what shipped.
      const most = was.onHand + received;
      const least = was.onHand + received - shipped;
      if (after.onHand > most || after.onHand < least) {
        drifted.push({ sku: codes.get(id) ?? id, was: was.onHand, now: after.onHand, received, shipped });
      }
    }
    report(
      "units",
      drifted,
      (r) =>
        `SKU ${r.sku} had ${r.was} on hand before the drill and ${r.now} after, but ${r.received} were received and ${r.shipped} shipped since: units appeared or vanished.`,
    );
  }

  // ---- first come first served -------------------------------------------------------------------
  report(
    "first_come_first_served",
    await q(sql`
      select s.code as sku, s.on_hand - s.allocated as free, w.id as line_id, o.number
      from skus s
      join lateral (
        select l.id, l.order_id from order_lines l
        where l.sku_id = s.id and l.status in ('backordered', 'preorder')
          and l.quantity - l.shipped_quantity - l.cancelled_quantity - l.allocated_quantity > 0
        order by l.placed_at, l.id limit 1) w on true
      join orders o on o.id = w.order_id
      where s.on_hand > s.allocated
      order by s.code`),
    (r) => `SKU ${r.sku} has ${r.free} free unit(s) on hand while line ${r.line_id} (order ${r.number}) waits for it.`,
  );
  report(
    "first_come_first_served",
    await q(sql`
      select b.id as line_id, ob.number, b.sku_code as sku, b.allocated_quantity, a.id as a_line_id, oa.number as a_number
      from order_lines b
      join orders ob on ob.id = b.order_id
      join lateral (
        select a.id, a.order_id from order_lines a
        where a.sku_id = b.sku_id and a.status in ('backordered', 'preorder')
          and a.quantity - a.shipped_quantity - a.cancelled_quantity - a.allocated_quantity > 0
          and (a.placed_at, a.id) < (b.placed_at, b.id)
          and a.id < b.id
        order by a.placed_at, a.id limit 1) a on true
      join orders oa on oa.id = a.order_id
      where b.status in ('ready', 'backordered', 'preorder') and b.allocated_quantity > 0
      order by b.id`),
    (r) =>
      `${cap(line(r))} holds ${r.allocated_quantity} promised unit(s) while line ${r.a_line_id} (order ${r.a_number}), ahead of it in the queue and there before it, still waits.`,
  );

  // ---- no line both cancelled and shipped --------------------------------------------------------
  report(
    "cancelled_and_shipped",
    await q(sql`
      select l.id as line_id, o.number, l.sku_code as sku, l.status, l.shipped_quantity
      from order_lines l join orders o on o.id = l.order_id
      where l.status in ('cancelled', 'swapped') and l.shipped_quantity > 0
      order by l.id`),
    (r) => `${cap(line(r))} reads ${r.status}, yet ${r.shipped_quantity} of its units shipped.`,
  );
  report(
    "cancelled_and_shipped",
    await q(sql`
      select l.id as line_id, o.number, l.sku_code as sku, l.quantity, l.cancelled_quantity, x.units
      from order_lines l join orders o on o.id = l.order_id
      join (select order_line_id, sum(quantity)::int as units from shipment_lines group by order_line_id) x on x.order_line_id = l.id
      where x.units > l.quantity - l.cancelled_quantity
      order by l.id`),
    (r) =>
      `${cap(line(r))}: its shipments carry ${r.units} unit(s), but ${r.cancelled_quantity} of its ${r.quantity} were cancelled: units both cancelled and shipped.`,
  );

  // ---- every committed event has its notification -----------------------------------------------
  report(
    "outbox",
    await q(sql`
      select e.id, e.type, e.order_line_id as line_id, o.number, l.sku_code as sku, e.at::text as at
      from domain_events e
      join orders o on o.id = e.order_id
      left join order_lines l on l.id = e.order_line_id
      where e.type in ('line_backordered', 'line_preordered', 'line_shipped', 'line_cancelled', 'delay_consent_expired', 'line_swapped')
        and not exists (
          select 1 from notifications n
          where n.order_id = e.order_id and n.created_at = e.at
            and case e.type
                  when 'line_shipped' then n.kind = 'shipped' and n.payload ->> 'shipmentId' = e.payload ->> 'shipmentId'
                  when 'line_swapped' then n.kind = 'swapped' and (n.payload ->> 'lineId')::bigint = e.order_line_id
                  when 'line_cancelled' then n.kind = 'cancelled'
                    and exists (select 1 from jsonb_array_elements(n.payload -> 'lines') x where (x ->> 'lineId')::bigint = e.order_line_id)
                  when 'delay_consent_expired' then n.kind = 'cancelled'
                    and exists (select 1 from jsonb_array_elements(n.payload -> 'lines') x where (x ->> 'lineId')::bigint = e.order_line_id)
                  else n.kind = 'backordered'
                    and exists (select 1 from jsonb_array_elements(n.payload -> 'lines') x where (x ->> 'lineId')::bigint = e.order_line_id)
                end)
      order by e.id`),
    (r) => `Event ${r.id} (${r.type} of ${line(r)}, at ${r.at}) committed without its email in the outbox.`,
  );
  report(
    "outbox",
    await q(sql`
      select e.id, e.reason, e.order_line_id as line_id, o.number, l.sku_code as sku, e.at::text as at
      from eta_events e
      join orders o on o.id = e.order_id
      left join order_lines l on l.id = e.order_line_id
      where e.reason <> 'initial'
        and not exists (
          select 1 from notifications n
          where n.order_id = e.order_id and n.kind in ('eta_moved', 'eta_confirmed')
            and n.created_at <= e.at and n.payload -> 'lines' ? e.order_line_id::text)
      order by e.id`),
    (r) => `The ETA change ${r.id} (${r.reason}) of ${line(r)} at ${r.at} is in no ETA email of its order.`,
  );

  // ---- email delivered once, and sent means received ---------------------------------------------
  if (options.emailDeliveries) {
    const perNotification = new Map<string, { count: number; keys: Set<string> }>();
    let untagged = 0;
    for (const d of options.emailDeliveries) {
      if (!d.notificationId) {
        untagged++;
        continue;
      }
      const entry = perNotification.get(d.notificationId) ?? { count: 0, keys: new Set<string>() };
      entry.count++;
      entry.keys.add(d.idempotencyKey ?? "(none)");
      perNotification.set(d.notificationId, entry);
    }
    report(
      "email_once",
      [...perNotification]
        .filter(([, e]) => e.count > 1)
        .map(([id, e]) => ({ id, count: e.count, keys: [...e.keys].join(", ") })),
      (r) => `Notification ${r.id} reached the email provider ${r.count} times (idempotency keys: ${r.keys}).`,
    );
    if (untagged > 0)
      violations.push({
        check: "email_once",
        message: `${untagged} email(s) reached the provider without a notification_id tag.`,
      });
    const since = options.emailsSince ?? new Date(0);
    const outbox = await rows<{ id: string; status: string; kind: string; number: string }>(
      db,
      sql`select n.id::text, n.status, n.kind, o.number from notifications n join orders o on o.id = n.order_id
          where n.status = 'sent' and n.sent_at >= ${since.toISOString()}::timestamptz
          union all
          select n.id::text, n.status, n.kind, o.number from notifications n join orders o on o.id = n.order_id
          where n.status <> 'sent'`,
    );
    report(
      "email_once",
      outbox.filter((n) => n.status === "sent" && !perNotification.has(n.id)),
      (r) => `Notification ${r.id} (${r.kind}, order ${r.number}) is marked sent but never reached the email provider.`,
    );
    report(
      "email_once",
      outbox.filter((n) => n.status !== "sent" && perNotification.has(n.id)),
      (r) =>
        `Notification ${r.id} (${r.kind}, order ${r.number}) reached the email provider but the outbox still says ${r.status}: it would be sent again.`,
    );
    const known = new Set(
      (
        await rows<{ id: string }>(
          db,
          sql`select id::text from notifications where id::text = any(string_to_array(${[...perNotification.keys()].join(",")}, ','))`,
        )
      ).map((r) => r.id),
    );
    report(
      "email_once",
      [...perNotification.keys()].filter((id) => !known.has(id)).map((id) => ({ id })),
      (r) => `The email provider received notification ${r.id}, which is not in the outbox at all.`,
    );
  }

  // ---- webhooks ----------------------------------------------------------------------------------
  report(
    "webhooks",
    await q(sql`
      select e.id, e.type, e.order_line_id as line_id, o.number, l.sku_code as sku, m.slug as merchant
      from domain_events e
      join orders o on o.id = e.order_id
      join merchants m on m.id = e.merchant_id
      join webhook_endpoints w on w.merchant_id = e.merchant_id and w.enabled and w.created_at <= e.at
      left join order_lines l on l.id = e.order_line_id
      where e.type in ('line_cancelled', 'line_swapped', 'delay_consent_expired')
        and not exists (
          select 1 from webhook_deliveries d
          where d.endpoint_id = w.id and d.payload ->> 'timestamp' = to_char(e.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
            and (d.payload -> 'data' -> 'line' ->> 'id')::bigint = e.order_line_id)
      order by e.id`),
    (r) => `Event ${r.id} (${r.type} of ${line(r)}) committed without a webhook delivery to ${r.merchant}'s endpoint.`,
  );
  if (options.webhookReceipts) {
    const answered2xx = new Map<string, number>();
    for (const r of options.webhookReceipts) {
      if (r.webhookId && typeof r.answeredWith === "number" && r.answeredWith >= 200 && r.answeredWith < 300) {
        answered2xx.set(r.webhookId, (answered2xx.get(r.webhookId) ?? 0) + 1);
      }
    }
    const delivered = await rows<{ id: string; event_type: string }>(
      db,
      sql`select id, event_type from webhook_deliveries where status = 'delivered'`,
    );
    report(
      "webhooks",
      delivered.filter((d) => !answered2xx.has(d.id)),
      (r) => `Webhook ${r.id} (${r.event_type}) is marked delivered, but the endpoint never answered it with a 2xx.`,
    );
    report(
      "webhooks",
      [...answered2xx].filter(([, n]) => n > 1).map(([id, n]) => ({ id, n })),
      (r) => `Webhook ${r.id} was delivered (answered 2xx) ${r.n} times.`,
    );
  }

  return violations;
}

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
