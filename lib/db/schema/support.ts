import { sql } from "drizzle-orm";
import { check, index, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { id, merchantId, now } from "./columns";
import { orders } from "./orders";

export const agentRoles = ["agent", "admin"] as const;
export type AgentRole = (typeof agentRoles)[number];

/** A support agent: `agent` serves the merchants in `agent_merchants`, `admin` serves all. */
export const agents = pgTable(
  "agents",
  {
    id: id(),
    email: text().notNull().unique(),
    name: text(),
    role: text({ enum: agentRoles }).notNull().default("agent"),
    createdAt: now(),
  },
  (t) => [
    check("agents_email_lower", sql`${t.email} = lower(${t.email})`),
    check("agents_role", sql`${t.role} in ('agent','admin')`),
  ],
);

export const agentMerchants = pgTable(
  "agent_merchants",
  {
    agentId: uuid()
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    merchantId: merchantId(),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.merchantId] })],
);

export const internalNotes = pgTable(
  "internal_notes",
  {
    id: id(),
    merchantId: merchantId(),
    orderId: uuid()
      .notNull()
      .references(() => orders.id),
    agentId: uuid()
      .notNull()
      .references(() => agents.id),
    body: text().notNull(),
    createdAt: now(),
  },
  (t) => [
    index("internal_notes_order_idx").on(t.orderId, t.createdAt),
    check("internal_notes_body", sql`length(${t.body}) between 1 and 5000`),
  ],
);

export type Agent = typeof agents.$inferSelect;
