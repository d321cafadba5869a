import { and, desc, eq, sql } from "drizzle-orm";
import { writeAudit } from "../audit/log";
import type { Actor } from "../audit/actor";
import { rows, type DbOrTx } from "../db/client";
import { auditLog } from "../db/schema/audit";
import { notifications } from "../db/schema/notifications";
import { orderLines, type EtaReason } from "../db/schema/orders";
import { shipsPhrase } from "../dates";
import { internalNotes } from "../db/schema/support";
import { transaction } from "../db/transaction";
import { DomainError } from "../errors";
import { overrideEta } from "../eta/override";
import { cancelLines } from "../orders/cancel";
import { swapLine } from "../orders/swap";
import { loadOrderView } from "../orders/view";
import { reasonWords } from "../orders/words";
import { requireOrderInScope, type AgentScope } from "./access";

// What agents do, always through the same domain functions as shoppers, with the agent as actor
// and the agent's scope checked first.

const agentActor = (scope: AgentScope): Actor => ({ type: "agent", id: scope.email });

export async function agentOrderView(db: DbOrTx, scope: AgentScope, orderId: string) {
  await requireOrderInScope(db, scope, orderId);
  const view = await loadOrderView(db, orderId);
  if (!view) throw new DomainError("not_found", "That order was not found among the shops you serve.");
  return {
    ...view,
    timeline: await orderTimeline(db, orderId),
    emails: await db
      .select()
      .from(notifications)
      .where(eq(notifications.orderId, orderId))
      .orderBy(desc(notifications.createdAt)),
  };
}

export type TimelineEntry = {
  at: Date;
  kind: "eta" | "email" | "action" | "note";
  who: string;
  title: string;
  detail: string | null;
  state?: string;
};

const actionTitles: Record<string, string> = {
  "order.created": "Order received",
  "order.updated": "Order updated",
  "line.cancelled": "Item cancelled",
  "line.cancelled_no_consent": "Item cancelled: no consent to the delay",
  "line.swapped": "Item swapped",
  "line.eta_override": "Ship date set by hand",
  "shipment.recorded": "Shipment recorded",
  "order.fulfillment_preference": "Shipping choice changed",
  "note.added": "Internal note",
  "notification.resent": "Email resent",
};

function who(actorType: string, actorId: string | null): string {
  switch (actorType) {
    case "shopper":
      return `Shopper${actorId ? ` (${actorId})` : ""}`;
    case "agent":
      return `Agent ${actorId ?? ""}`.trim();
    case "api":
      return "Shop's system (API)";
    case "shopify":
      return "Shopify";
    default:
      return actorId ? `System (${actorId})` : "System";
  }
}

/** The order's whole story in one list, newest first: ETA changes, emails, actions, notes. */
export async function orderTimeline(db: DbOrTx, orderId: string): Promise<TimelineEntry[]> {
  const entries: TimelineEntry[] = [];
  const events = await rows<{
    at: Date | string;
    reason: EtaReason;
    note: string | null;
    title: string;
    new_ship_start: string | null;
    new_ship_end: string | null;
  }>(
    db,
    sql`select e.at, e.reason, e.note, l.title, e.new_ship_start::text, e.new_ship_end::text
        from eta_events e join order_lines l on l.id = e.order_line_id where e.order_id = ${orderId}`,
  );
  for (const e of events) {
    entries.push({
      at: new Date(e.at),
      kind: "eta",
      who: e.reason === "manual" ? "Support" : "ETA engine",
      title: `${e.title}: ${e.new_ship_start && e.new_ship_end ? lowerFirst(shipsPhrase(e.new_ship_start, e.new_ship_end)) : "no confirmed date"}`,
      detail: `${reasonWords[e.reason]}${e.note ? ` — “${e.note}”` : ""}`,
    });
  }
  for (const n of await db.select().from(notifications).where(eq(notifications.orderId, orderId))) {
    entries.push({
      at: n.sentAt ?? n.createdAt,
      kind: "email",
      who: "Email",
      title: `${n.kind.replace(/_/g, " ")} email to ${n.email}`,
      detail: n.lastError
        ? `${n.status}: ${n.lastError}`
        : n.status === "sent"
          ? `delivered to the provider${n.attempts > 1 ? ` after ${n.attempts} attempts` : ""}`
          : n.status,
      state: n.status,
    });
  }
  for (const a of await db.select().from(auditLog).where(eq(auditLog.orderId, orderId))) {
    if (a.action === "note.added") continue;
    const after = (a.after ?? {}) as Record<string, unknown>;
    entries.push({
      at: a.at,
      kind: "action",
      who: who(a.actorType, a.actorId),
      title: actionTitles[a.action] ?? a.action,
      detail:
        typeof after.note === "string" ? `“${after.note}”` : typeof after.reason === "string" ? after.reason : null,
    });
  }
  const notes = await rows<{ created_at: Date | string; body: string; email: string }>(
    db,
    sql`select n.created_at, n.body, a.email from internal_notes n join agents a on a.id = n.agent_id where n.order_id = ${orderId}`,
  );
  for (const n of notes)
    entries.push({
      at: new Date(n.created_at),
      kind: "note",
      who: `Agent ${n.email}`,
      title: "Internal note",
      detail: n.body,
    });
  return entries.sort((a, b) => b.at.getTime() - a.at.getTime());
}

export async function agentCancel(
  db: DbOrTx,
  scope: AgentScope,
  params: { orderId: string; lineId: number; now: Date; reason?: string },
) {
  const order = await requireOrderInScope(db, scope, params.orderId);
  return cancelLines(db, {
    merchantId: order.merchantId,
    orderId: order.id,
    lineIds: [params.lineId],
    actor: agentActor(scope),
    now: params.now,
    includeReady: true,
    reason: params.reason ?? "Cancelled by support for the shopper",
  });
}

export async function agentSwap(
  db: DbOrTx,
  scope: AgentScope,
  params: { orderId: string; lineId: number; toSkuId: string; now: Date },
) {
  const order = await requireOrderInScope(db, scope, params.orderId);
  return swapLine(db, {
    merchantId: order.merchantId,
    orderId: order.id,
    lineId: params.lineId,
    toSkuId: params.toSkuId,
    actor: agentActor(scope),
    now: params.now,
  });
}

export async function agentOverrideEta(
  db: DbOrTx,
  scope: AgentScope,
  params: { orderId: string; lineId: number; shipStart: string; shipEnd: string; note: string; now: Date },
) {
  const order = await requireOrderInScope(db, scope, params.orderId);
  const [line] = await db
    .select({ id: orderLines.id })
    .from(orderLines)
    .where(and(eq(orderLines.id, params.lineId), eq(orderLines.orderId, order.id)));
  if (!line) throw new DomainError("not_found", "That item is not on this order.");
  return overrideEta(db, {
    merchantId: order.merchantId,
    lineId: line.id,
    shipStart: params.shipStart,
    shipEnd: params.shipEnd,
    note: params.note,
    actor: agentActor(scope),
    now: params.now,
  });
}

export async function addInternalNote(
  db: DbOrTx,
  scope: AgentScope,
  params: { orderId: string; body: string; now: Date },
) {
  const body = params.body.trim();
  if (body.length === 0) throw new DomainError("invalid", "Write the note first.", "body");
  if (body.length > 5000) throw new DomainError("invalid", "Keep notes under 5,000 characters.", "body");
  const order = await requireOrderInScope(db, scope, params.orderId);
  return transaction(db, async (tx) => {
    const [note] = await tx
      .insert(internalNotes)
      .values({ merchantId: order.merchantId, orderId: order.id, agentId: scope.agentId, body, createdAt: params.now })
      .returning();
    await writeAudit(tx, agentActor(scope), params.now, [
      {
        merchantId: order.merchantId,
        action: "note.added",
        entityType: "order",
        entityId: order.id,
        orderId: order.id,
        after: { note: body },
      },
    ]);
    return note!;
  });
}

/** Sends an email of this order again: a new outbox row with the same content, due now. */
export async function resendNotification(
  db: DbOrTx,
  scope: AgentScope,
  params: { orderId: string; notificationId: string; now: Date },
) {
  const order = await requireOrderInScope(db, scope, params.orderId);
  return transaction(db, async (tx) => {
    const [original] = await tx
      .select()
      .from(notifications)
      .where(and(eq(notifications.id, params.notificationId), eq(notifications.orderId, order.id)));
    if (!original) throw new DomainError("not_found", "That email is not part of this order.");
    if (original.kind === "eta_moved") {
      const [waiting] = await tx
        .select({ id: notifications.id })
        .from(notifications)
        .where(
          and(
            eq(notifications.orderId, order.id),
            eq(notifications.kind, "eta_moved"),
            eq(notifications.status, "pending"),
          ),
        );
      if (waiting)
        throw new DomainError(
          "conflict",
          "A date-change email for this order is already waiting to go out; it will carry the latest dates.",
        );
    }
    const [copy] = await tx
      .insert(notifications)
      .values({
        merchantId: original.merchantId,
        orderId: original.orderId,
        email: original.email,
        kind: original.kind,
        payload: original.payload,
        status: "pending",
        dueAt: params.now,
        createdAt: params.now,
        updatedAt: params.now,
      })
      .returning({ id: notifications.id });
    await writeAudit(tx, agentActor(scope), params.now, [
      {
        merchantId: order.merchantId,
        action: "notification.resent",
        entityType: "notification",
        entityId: copy!.id,
        orderId: order.id,
        after: { kind: original.kind, of: original.id },
      },
    ]);
    return copy!;
  });
}

/** "Ships between…" inside a sentence: "…: ships between…". */
function lowerFirst(phrase: string): string {
  return phrase.charAt(0).toLowerCase() + phrase.slice(1);
}
