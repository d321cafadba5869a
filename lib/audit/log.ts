import type { DbOrTx } from "../db/client";
import { auditLog } from "../db/schema/audit";
import type { Actor } from "./actor";

export type AuditInput = {
  merchantId: string | null;
  action: string;
  entityType: string;
  entityId?: string | number | null;
  orderId?: string | null;
  before?: unknown;
  after?: unknown;
};

/** Writes audit rows in the caller's transaction, so the log and the change commit together. */
export async function writeAudit(tx: DbOrTx, actor: Actor, now: Date, entries: readonly AuditInput[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.insert(auditLog).values(
    entries.map((e) => ({
      merchantId: e.merchantId,
      actorType: actor.type,
      actorId: actor.id,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId == null ? null : String(e.entityId),
      orderId: e.orderId ?? null,
      before: e.before ?? null,
      after: e.after ?? null,
      at: now,
    })),
  );
}
