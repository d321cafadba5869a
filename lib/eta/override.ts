import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "../audit/actor";
import { writeAudit } from "../audit/log";
import { rows, type DbOrTx } from "../db/client";
import { merchants } from "../db/schema/merchants";
import { orderLines } from "../db/schema/orders";
import { transaction } from "../db/transaction";
import { addDays, dateIn, isIsoDate } from "../dates";
import { DomainError } from "../errors";
import { recordChange } from "../events/record";
import type { EtaChange } from "./recompute";
import { isOpen } from "../orders/line-status";

/**
 * An agent sets a line's ship window by hand, with a note the shopper sees as the reason. The
 * line's natural basis (PO and its date) is kept, so the override lasts until a supply event
 * changes that basis; then the recompute takes over again.
 */
export async function overrideEta(
  db: DbOrTx,
  params: {
    merchantId: string;
    lineId: number;
    shipStart: string;
    shipEnd: string;
    note: string;
    actor: Actor;
    now: Date;
  },
): Promise<EtaChange> {
  const { merchantId, lineId, actor, now } = params;
  const note = params.note.trim();
  if (note.length < 3)
    throw new DomainError("invalid", "Write a note for the shopper saying why the date changed.", "note");
  if (note.length > 500) throw new DomainError("invalid", "Keep the note under 500 characters.", "note");
  if (!isIsoDate(params.shipStart)) throw new DomainError("invalid", "The first ship day is not a date.", "shipStart");
  if (!isIsoDate(params.shipEnd)) throw new DomainError("invalid", "The last ship day is not a date.", "shipEnd");
  if (params.shipEnd < params.shipStart)
    throw new DomainError("invalid", "The window ends before it starts.", "shipEnd");
  return transaction(db, async (tx) => {
    const [merchant] = await tx.select().from(merchants).where(eq(merchants.id, merchantId));
    const today = dateIn(merchant!.timezone, now);
    if (params.shipStart < today) throw new DomainError("invalid", "The window cannot start in the past.", "shipStart");
    const [line] = await tx
      .select()
      .from(orderLines)
      .where(and(eq(orderLines.id, lineId), eq(orderLines.merchantId, merchantId)))
      .for("update");
    if (!line) throw new DomainError("not_found", "That item was not found.");
    if (!isOpen(line.status)) {
      throw new DomainError("conflict", `${line.title} is ${line.status} already; its date cannot be set.`);
    }
    const later = line.shipEnd !== null && params.shipEnd > line.shipEnd;
    await tx
      .update(orderLines)
      .set({
        shipStart: params.shipStart,
        shipEnd: params.shipEnd,
        deliveryStart: addDays(params.shipStart, merchant!.transitDaysMin),
        deliveryEnd: addDays(params.shipEnd, merchant!.transitDaysMax),
        etaBasis: "override",
        etaOverrideNote: note,
        etaPushes: later ? line.etaPushes + 1 : line.etaPushes,
        etaUpdatedAt: now,
        updatedAt: now,
      })
      .where(eq(orderLines.id, lineId));
    const [event] = await rows<{ id: number }>(
      tx,
      sql`insert into eta_events (merchant_id, order_id, order_line_id, old_ship_start, old_ship_end, new_ship_start, new_ship_end,
                                  old_basis, new_basis, reason, note, at)
          values (${merchantId}, ${line.orderId}, ${lineId}, ${line.shipStart}, ${line.shipEnd}, ${params.shipStart}, ${params.shipEnd},
                  ${line.etaBasis}, 'override', 'manual', ${note}, ${now.toISOString()}::timestamptz)
          returning id`,
    );
    const change: EtaChange = {
      eventId: Number(event!.id),
      merchantId,
      orderId: line.orderId,
      lineId,
      oldShipStart: line.shipStart,
      oldShipEnd: line.shipEnd,
      newShipStart: params.shipStart,
      newShipEnd: params.shipEnd,
      reason: "manual",
    };
    await recordChange(tx, { actor, now, etaChanges: [change] });
    await writeAudit(tx, actor, now, [
      {
        merchantId,
        action: "line.eta_override",
        entityType: "order_line",
        entityId: lineId,
        orderId: line.orderId,
        before: { shipStart: line.shipStart, shipEnd: line.shipEnd, basis: line.etaBasis },
        after: { shipStart: params.shipStart, shipEnd: params.shipEnd, note },
      },
    ]);
    return change;
  });
}
