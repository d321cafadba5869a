import { and, eq, inArray, sql, type SQL, type AnyColumn } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { merchants } from "../db/schema/merchants";
import { orders } from "../db/schema/orders";
import { agentMerchants, agents, type AgentRole } from "../db/schema/support";
import { DomainError } from "../errors";

/**
 * Who an agent is and which merchants they serve: `merchantIds` null means all (an admin, e.g. a
 * 3PL). Every support query takes this scope explicitly, so scoping cannot be forgotten.
 */
export type AgentScope = {
  agentId: string;
  email: string;
  name: string | null;
  role: AgentRole;
  merchantIds: string[] | null;
};

export async function agentScope(db: DbOrTx, email: string | null | undefined): Promise<AgentScope | null> {
  if (!email) return null;
  const [agent] = await db.select().from(agents).where(eq(agents.email, email.toLowerCase()));
  if (!agent) return null;
  if (agent.role === "admin")
    return { agentId: agent.id, email: agent.email, name: agent.name, role: "admin", merchantIds: null };
  const served = await db
    .select({ id: agentMerchants.merchantId })
    .from(agentMerchants)
    .where(eq(agentMerchants.agentId, agent.id));
  return {
    agentId: agent.id,
    email: agent.email,
    name: agent.name,
    role: "agent",
    merchantIds: served.map((m) => m.id),
  };
}

/** A condition limiting `column` (a merchant id) to the agent's merchants. */
export function inScope(scope: AgentScope, column: AnyColumn | SQL): SQL {
  if (scope.merchantIds === null) return sql`true`;
  if (scope.merchantIds.length === 0) return sql`false`;
  return inArray(column as AnyColumn, scope.merchantIds);
}

export function servesMerchant(scope: AgentScope, merchantId: string): boolean {
  return scope.merchantIds === null || scope.merchantIds.includes(merchantId);
}

/** The order if the agent may see it; another merchant's order is as absent as a missing one. */
export async function orderInScope(db: DbOrTx, scope: AgentScope, orderId: string) {
  if (!/^[0-9a-f-]{36}$/.test(orderId)) return null;
  const [order] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.id, orderId), inScope(scope, orders.merchantId)));
  return order ?? null;
}

export async function requireOrderInScope(db: DbOrTx, scope: AgentScope, orderId: string) {
  const order = await orderInScope(db, scope, orderId);
  if (!order) throw new DomainError("not_found", "That order was not found among the shops you serve.");
  return order;
}

export async function merchantsInScope(db: DbOrTx, scope: AgentScope) {
  return db
    .select({
      id: merchants.id,
      slug: merchants.slug,
      name: merchants.name,
      brandColor: merchants.brandColor,
      timezone: merchants.timezone,
    })
    .from(merchants)
    .where(inScope(scope, merchants.id))
    .orderBy(merchants.name);
}

/** Creates or updates an agent: `--merchant <slug>` adds a merchant to serve, `--all` makes an admin. */
export async function addAgent(
  db: DbOrTx,
  params: { email: string; name?: string; merchantSlug?: string; all?: boolean },
) {
  const email = params.email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
    throw new DomainError("invalid", `${params.email} is not an email address.`, "email");
  if (!params.all && !params.merchantSlug)
    throw new DomainError("invalid", "Give --merchant <slug> or --all.", "merchant");
  let merchantId: string | null = null;
  if (params.merchantSlug) {
    const [merchant] = await db
      .select({ id: merchants.id })
      .from(merchants)
      .where(eq(merchants.slug, params.merchantSlug));
    if (!merchant) throw new DomainError("not_found", `No merchant with slug ${params.merchantSlug}.`, "merchant");
    merchantId = merchant.id;
  }
  const [agent] = await db
    .insert(agents)
    .values({ email, name: params.name ?? null, role: params.all ? "admin" : "agent" })
    .onConflictDoUpdate({ target: agents.email, set: params.all ? { role: "admin" } : { email } })
    .returning();
  if (merchantId) await db.insert(agentMerchants).values({ agentId: agent!.id, merchantId }).onConflictDoNothing();
  return agent!;
}
