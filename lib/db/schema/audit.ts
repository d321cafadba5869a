import { sql } from "drizzle-orm";
import { check, index, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { now, serialId } from "./columns";
import { merchants } from "./merchants";

export const actorTypes = ["shopper", "agent", "api", "system", "shopify"] as const;
export type ActorType = (typeof actorTypes)[number];

/** Every change: who, what, before and after, when. Written in the transaction of the change. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: serialId(),
    merchantId: uuid().references(() => merchants.id),
    actorType: text({ enum: actorTypes }).notNull(),
    /** Email of a shopper or agent, API key id, or the job's name. */
    actorId: text(),
    action: text().notNull(),
    entityType: text().notNull(),
    entityId: text(),
    orderId: uuid(),
    before: jsonb(),
    after: jsonb(),
    at: now(),
  },
  (t) => [
    index("audit_log_merchant_at_idx").on(t.merchantId, t.at),
    index("audit_log_order_idx")
      .on(t.orderId, t.at)
      .where(sql`${t.orderId} is not null`),
    index("audit_log_action_idx").on(t.action, t.at),
    check("audit_log_actor_type", sql`${t.actorType} in ('shopper','agent','api','system','shopify')`),
  ],
);

export type AuditEntry = typeof auditLog.$inferSelect;
export type NewAuditEntry = typeof auditLog.$inferInsert;
