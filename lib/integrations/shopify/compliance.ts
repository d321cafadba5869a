import { createHash } from "node:crypto";
import { and, eq, isNotNull, isNull, lte, sql } from "drizzle-orm";
import { systemActor, type Actor } from "../../audit/actor";
import { writeAudit } from "../../audit/log";
import { rows, type DbOrTx, type Tx } from "../../db/client";
import { shopifyComplianceRequests, shopifyConnections } from "../../db/schema/integrations";
import { transaction } from "../../db/transaction";
import type { ShopifyCustomerRedact, ShopifyDataRequest } from "./payloads";

// Shopify's mandatory compliance webhooks, and uninstalling. Personal data is what names or
// reaches a shopper: email, name, address, the mail we sent, and the copies of Shopify's payloads
// and our events that carry them. Redaction replaces those and keeps the rest (orders, lines,
// quantities, ETA events), so the board's counts and ETA honesty stay true without a person in them.

const emailHash = (email: string) => createHash("sha256").update(email.trim().toLowerCase()).digest("hex");

/** The merchant's orders for a shopper: by email, and by Shopify's order ids the request names. */
async function shopperOrderIds(
  tx: DbOrTx,
  merchantId: string,
  email: string | null | undefined,
  externalIds: readonly string[],
): Promise<string[]> {
  const found = await rows<{ id: string }>(
    tx,
    sql`select id from orders where merchant_id = ${merchantId}::uuid
        and (email = ${email?.toLowerCase() ?? ""} or external_id = any(string_to_array(${externalIds.join(",")}, ',')))`,
  );
  return found.map((o) => o.id);
}

/** customers/data_request: everything we hold on the shopper at this shop, for the merchant to send. */
export async function exportShopperData(
  tx: Tx,
  params: { merchantId: string; webhookId: string; request: ShopifyDataRequest; now: Date },
): Promise<string> {
  const { merchantId, request, now } = params;
  const email = request.customer.email ?? null;
  const orderIds = await shopperOrderIds(tx, merchantId, email, request.orders_requested);
  const [data] = await rows<{ orders: unknown[] }>(
    tx,
    sql`select coalesce(jsonb_agg(jsonb_build_object(
          'number', o.number, 'shopifyOrderId', o.external_id, 'email', o.email, 'name', o.customer_name,
          'shippingAddress', o.shipping_address, 'placedAt', o.placed_at, 'currency', o.currency,
          'fulfillmentPreference', o.fulfillment_preference, 'etaUpdates', o.eta_updates,
          'lines', (select coalesce(jsonb_agg(jsonb_build_object('sku', l.sku_code, 'title', l.title, 'quantity', l.quantity,
                      'status', l.status, 'shipped', l.shipped_quantity, 'cancelled', l.cancelled_quantity,
                      'shipStart', l.ship_start, 'shipEnd', l.ship_end) order by l.id), '[]'::jsonb)
                    from order_lines l where l.merchant_id = o.merchant_id and l.order_id = o.id),
          'etaEvents', (select coalesce(jsonb_agg(jsonb_build_object('reason', e.reason, 'at', e.at,
                      'shipStart', e.new_ship_start, 'shipEnd', e.new_ship_end) order by e.at, e.id), '[]'::jsonb)
                    from eta_events e where e.merchant_id = o.merchant_id and e.order_id = o.id),
          'emails', (select coalesce(jsonb_agg(jsonb_build_object('kind', n.kind, 'to', n.email, 'status', n.status,
                      'sentAt', n.sent_at) order by n.created_at), '[]'::jsonb)
                    from notifications n where n.merchant_id = o.merchant_id and n.order_id = o.id),
          'shipments', (select coalesce(jsonb_agg(jsonb_build_object('carrier', sh.carrier, 'trackingNumber', sh.tracking_number,
                      'shippedAt', sh.shipped_at) order by sh.shipped_at), '[]'::jsonb)
                    from shipments sh where sh.merchant_id = o.merchant_id and sh.order_id = o.id)
        ) order by o.placed_at), '[]'::jsonb) as orders
        from orders o where o.merchant_id = ${merchantId}::uuid and o.id = any(${pgUuids(orderIds)}::uuid[])`,
  );
  const exported = {
    shop: request.shop_domain,
    customer: request.customer,
    dataRequestId: request.data_request?.id ?? null,
    orders: data?.orders ?? [],
    exportedAt: now.toISOString(),
  };
  const summary = `Exported ${orderIds.length} order(s) for the shopper (${email ?? `customer ${request.customer.id}`}).`;
  await record(tx, params, {
    topic: "customers/data_request",
    subject: email ?? `customer ${request.customer.id ?? "?"}`,
    summary,
    export: exported,
  });
  return summary;
}

/** customers/redact: the shopper's personal data at this shop is replaced; the counts stay. */
export async function redactShopper(
  tx: Tx,
  params: { merchantId: string; webhookId: string; request: ShopifyCustomerRedact; now: Date },
): Promise<string> {
  const { merchantId, request } = params;
  const email = request.customer.email ?? null;
  const orderIds = await shopperOrderIds(tx, merchantId, email, request.orders_to_redact);
  const erased = await redactOrders(tx, merchantId, orderIds, email ? [email] : []);
  const summary = `Erased the shopper's personal data from ${orderIds.length} order(s) (${erased} record(s) changed); counts kept.`;
  await record(tx, params, {
    topic: "customers/redact",
    subject: email ? `sha256:${emailHash(email)}` : `customer ${request.customer.id ?? "?"}`,
    summary,
  });
  return summary;
}

/**
 * shop/redact: 48 hours after an uninstall, every shopper's personal data at the shop, the token
 * and Shopify's stored payloads go. A shop that installed again keeps its data.
 */
export async function redactShop(
  tx: Tx,
  params: { merchantId: string; webhookId: string; now: Date },
): Promise<string> {
  const { merchantId } = params;
  const [connection] = await tx.select().from(shopifyConnections).where(eq(shopifyConnections.merchantId, merchantId));
  if (connection && !connection.uninstalledAt) {
    const summary = "The shop has the app installed again; nothing was erased.";
    await record(tx, params, { topic: "shop/redact", subject: connection.shopDomain, summary });
    return summary;
  }
  const orderIds = (
    await rows<{ id: string }>(tx, sql`select id from orders where merchant_id = ${merchantId}::uuid`)
  ).map((o) => o.id);
  const emails = (
    await rows<{ email: string }>(tx, sql`select distinct email from orders where merchant_id = ${merchantId}::uuid`)
  ).map((o) => o.email);
  const erased = await redactOrders(tx, merchantId, orderIds, emails);
  await tx.execute(sql`
    update shopify_webhooks set payload = '{"redacted": true}'::jsonb
    where merchant_id = ${merchantId}::uuid and payload <> '{"redacted": true}'::jsonb`);
  await tx
    .update(shopifyConnections)
    .set({ accessTokenSealed: null, redactAt: null, webhookSubscriptions: [] })
    .where(eq(shopifyConnections.merchantId, merchantId));
  const summary = `Erased the shop's personal data: ${orderIds.length} order(s), ${erased} record(s) changed; counts kept.`;
  await record(tx, params, { topic: "shop/redact", subject: connection?.shopDomain ?? merchantId, summary });
  return summary;
}

/** app/uninstalled: at once, no more calls to Shopify; the shop's data goes in 48 hours. */
export async function markUninstalled(db: DbOrTx, params: { merchantId: string; webhookId: string; now: Date }) {
  const { merchantId, now } = params;
  const changed = await db
    .update(shopifyConnections)
    .set({ uninstalledAt: now, redactAt: new Date(now.getTime() + 48 * 3_600_000), accessTokenSealed: null })
    .where(and(eq(shopifyConnections.merchantId, merchantId), isNull(shopifyConnections.uninstalledAt)))
    .returning({ shopDomain: shopifyConnections.shopDomain });
  if (changed.length === 0) return;
  // Write-backs still waiting would only be refused by Shopify: they stop here.
  await db.execute(sql`
    update shopify_writebacks set status = 'cancelled', last_error = 'The shop uninstalled the app.'
    where merchant_id = ${merchantId}::uuid and status = 'pending'`);
  await writeAudit(db, { type: "shopify", id: params.webhookId }, now, [
    { merchantId, action: "shopify.uninstalled", entityType: "merchant", entityId: merchantId, after: { at: now } },
  ]);
}

/** The sweep: shops 48 hours past their uninstall whose shop/redact has not come are erased anyway. */
export async function redactDueShops(db: DbOrTx, now: Date): Promise<number> {
  const due = await db
    .select({ merchantId: shopifyConnections.merchantId })
    .from(shopifyConnections)
    .where(
      and(
        isNotNull(shopifyConnections.uninstalledAt),
        isNotNull(shopifyConnections.redactAt),
        lte(shopifyConnections.redactAt, now),
      ),
    );
  for (const { merchantId } of due) {
    await transaction(db, (tx) => redactShop(tx, { merchantId, webhookId: `sweep-${now.toISOString()}`, now }));
  }
  return due.length;
}

const pgUuids = (ids: readonly string[]) => `{${ids.join(",")}}`;

/** Replaces the personal data of these orders (and of these emails at the merchant). */
async function redactOrders(tx: Tx, merchantId: string, orderIds: string[], emails: string[]): Promise<number> {
  if (orderIds.length === 0 && emails.length === 0) return 0;
  const ids = pgUuids(orderIds);
  const list = emails.map((e) => e.toLowerCase()).join("\n");
  // A stored payload (a webhook we received or sent, a domain event) that names one of the emails.
  const redactPayloads = (table: "shopify_webhooks" | "webhook_deliveries" | "domain_events") => sql`
        update ${sql.identifier(table)} set payload = '{"redacted": true}'::jsonb
        where merchant_id = ${merchantId}::uuid
          and exists (select 1 from mails m where m.email <> '' and strpos(lower(${sql.identifier(table)}.payload::text), m.email) > 0)
        returning 1`;
  const counts = await rows<{ n: number }>(
    tx,
    sql`with
      target as (select id, email, customer_id from orders where merchant_id = ${merchantId}::uuid and id = any(${ids}::uuid[])),
      mails as (select unnest(string_to_array(${list}, E'\\n')) as email union select email from target),
      o as (
        update orders set email = 'redacted-' || substr(md5(orders.id::text), 1, 16) || '@redacted.invalid',
               customer_name = null, shipping_address = null, customer_id = null, view_links_revoked_at = now()
        from target where orders.id = target.id returning 1),
      c as (
        update customers set email = 'redacted-' || substr(md5(customers.id::text), 1, 16) || '@redacted.invalid', name = null
        where merchant_id = ${merchantId}::uuid and email in (select email from mails) returning 1),
      n as (
        update notifications set email = 'redacted@redacted.invalid', payload = '{}'::jsonb,
               status = case when status = 'pending' then 'skipped' else status end
        where merchant_id = ${merchantId}::uuid and order_id = any(${ids}::uuid[]) returning 1),
      a as (
        update audit_log set actor_id = case when actor_id in (select email from mails) then 'redacted' else actor_id end,
               before = case when before is not null then '{"redacted": true}'::jsonb end,
               after = case when after is not null then '{"redacted": true}'::jsonb end
        where merchant_id = ${merchantId}::uuid
          and (order_id = any(${ids}::uuid[]) or actor_id in (select email from mails)
               or exists (select 1 from mails m where m.email <> ''
                          and strpos(lower(coalesce(before::text, '') || coalesce(after::text, '')), m.email) > 0))
        returning 1),
      r as (
        update shopify_compliance_requests set subject = 'redacted', export = null
        where merchant_id = ${merchantId}::uuid
          and exists (select 1 from mails m where m.email <> ''
                      and strpos(lower(subject || coalesce(export::text, '')), m.email) > 0)
        returning 1),
      w as (${redactPayloads("shopify_webhooks")}),
      d as (${redactPayloads("webhook_deliveries")}),
      e as (${redactPayloads("domain_events")}),
      m as (delete from dev_mailbox where lower("to") in (select email from mails) returning 1)
    select (select count(*) from o) + (select count(*) from c) + (select count(*) from n) + (select count(*) from a)
         + (select count(*) from w) + (select count(*) from d) + (select count(*) from e) + (select count(*) from m) + (select count(*) from r) as n`,
  );
  return Number(counts[0]?.n ?? 0);
}

async function record(
  tx: Tx,
  params: { merchantId: string; webhookId: string; now: Date },
  entry: { topic: string; subject: string; summary: string; export?: unknown },
) {
  await tx.insert(shopifyComplianceRequests).values({
    merchantId: params.merchantId,
    webhookId: params.webhookId,
    topic: entry.topic,
    subject: entry.subject,
    completedAt: params.now,
    summary: entry.summary,
    export: entry.export ?? null,
  });
  const actor: Actor = params.webhookId.startsWith("sweep-")
    ? systemActor("shop-redact-sweep")
    : { type: "shopify", id: params.webhookId };
  await writeAudit(tx, actor, params.now, [
    {
      merchantId: params.merchantId,
      action: `shopify.compliance.${entry.topic.replace("/", ".")}`,
      entityType: "merchant",
      entityId: params.merchantId,
      after: { subject: entry.subject, summary: entry.summary },
    },
  ]);
}
