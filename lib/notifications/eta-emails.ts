import { eq, sql } from "drizzle-orm";
import { rows, type DbOrTx } from "../db/client";
import type { IsoDate } from "../dates";
import { notifications } from "../db/schema/notifications";
import { bigintArray, uuidArray } from "../db/sql-helpers";
import { transaction } from "../db/transaction";
import { clearRecoveredConsent, issueDelayNotices } from "./consent";
import { parsePayload, type EtaPayload, type EtaWhy } from "./payloads";
import { decideEtaUpdate, wantsEtaUpdates, type LineState, type ShipWindow } from "./policy";
import { todayIn } from "./time";

// The end of an ETA email's gathering window: what each line moved from and to is decided here,
// before the email is rendered (lib/notifications/dispatch.ts only renders and sends). Lines that
// now miss their promise get a delay notice instead, recorded by lib/notifications/consent.ts.

type EtaRow = { id: string; order_id: string; merchant_id: string; email: string; payload: unknown };
type LineRow = {
  id: number;
  order_id: string;
  merchant_id: string;
  title: string;
  status: LineState["status"];
  ship_start: IsoDate | null;
  ship_end: IsoDate | null;
  promised_ship_end: IsoDate | null;
  consent_state: LineState["consentState"];
};

/**
 * Decides the gathered ETA emails of a batch now that their window has closed: what each line
 * moved from and to, whether the shopper wants to hear it, and which lines now miss their promise
 * and need a delay notice instead (written as their own notifications, with the lines' consent
 * state, in the same transaction). An email with nothing left to say is marked skipped.
 */
export async function finalizeGathered(db: DbOrTx, params: { batchId: string; now: Date }): Promise<number> {
  const { batchId, now } = params;
  return transaction(db, async (tx) => {
    const etaRows = (
      await rows<EtaRow>(
        tx,
        sql`select id, order_id, merchant_id, email, payload from notifications
            where batch_id = ${batchId} and status = 'sending' and kind = 'eta_moved' and not (payload ? 'final')
            order by id for update`,
      )
    ).map((r) => ({ ...r, payload: parsePayload("eta_moved", r.payload) }));
    if (etaRows.length === 0) return 0;

    const lineIds = [...new Set(etaRows.flatMap((r) => Object.keys(r.payload.lines).map(Number)))];
    // Locked so a concurrent change to a line (or the shopper's answer) is seen, not raced.
    const lines = await rows<LineRow>(
      tx,
      sql`select id, order_id, merchant_id, title, status, ship_start::text, ship_end::text, promised_ship_end::text, consent_state
          from order_lines where id = any(${bigintArray(lineIds)}) order by id for update`,
    );
    const merchantRows = await rows<{ id: string; timezone: string; threshold: number; earlier: number }>(
      tx,
      sql`select id, timezone, eta_change_threshold_days as threshold, eta_earlier_threshold_days as earlier from merchants where id = any(${uuidArray([...new Set(etaRows.map((r) => r.merchant_id))])})`,
    );
    const orderRows = await rows<{ id: string; eta_updates: boolean | null }>(
      tx,
      sql`select id, eta_updates from orders where id = any(${uuidArray([...new Set(etaRows.map((r) => r.order_id))])})`,
    );
    const emails = [...new Set(etaRows.map((r) => r.email))];
    const preferenceRows = await rows<{ email: string; eta_updates: boolean }>(
      tx,
      sql`select email, eta_updates from email_preferences where email = any(string_to_array(${emails.join("\n")}, E'\\n'))`,
    );
    const why = await loadEtaWhy(tx, lineIds);
    const merchantById = new Map(merchantRows.map((m) => [m.id, m]));
    const orderChoice = new Map(orderRows.map((o) => [o.id, o.eta_updates]));
    const globalChoice = new Map(preferenceRows.map((p) => [p.email, p.eta_updates]));

    let skipped = 0;
    for (const row of etaRows) {
      const merchant = merchantById.get(row.merchant_id)!;
      const baselines = new Map<number, ShipWindow>(
        Object.entries(row.payload.lines).map(([id, w]) => [Number(id), w]),
      );
      const decision = decideEtaUpdate({
        baselines,
        lines: lines
          .filter((l) => baselines.has(Number(l.id)))
          .map((l) => ({
            id: Number(l.id),
            title: l.title,
            status: l.status,
            shipStart: l.ship_start,
            shipEnd: l.ship_end,
            promisedShipEnd: l.promised_ship_end,
            consentState: l.consent_state,
          })),
        thresholdDays: Number(merchant.threshold),
        earlierThresholdDays: Number(merchant.earlier),
        etaUpdatesWanted: wantsEtaUpdates(orderChoice.get(row.order_id), globalChoice.get(row.email)),
        today: todayIn(merchant.timezone, now),
        now,
        timeZone: merchant.timezone,
      });

      await issueDelayNotices(tx, {
        merchantId: row.merchant_id,
        orderId: row.order_id,
        email: row.email,
        delays: decision.delays,
        now,
        why,
      });
      await clearRecoveredConsent(tx, { lineIds: decision.recovered, now });
      const payload: EtaPayload = {
        ...row.payload,
        final: true,
        changes: decision.changes.map((c) => ({ ...c, why: why.get(c.lineId) ?? null })),
      };
      if (decision.kind) {
        await tx
          .update(notifications)
          .set({ kind: decision.kind, payload, updatedAt: now })
          .where(eq(notifications.id, row.id));
      } else {
        skipped++;
        await tx
          .update(notifications)
          .set({ status: "skipped", payload, leaseUntil: null, updatedAt: now })
          .where(eq(notifications.id, row.id));
      }
    }
    return skipped;
  });
}

/**
 * Why each line's date is where it is, for its email: the reason of the latest change of its window
 * (not the first estimate), support's note when support set it, and the supplier's note on the PO
 * date change when the shop quotes those (merchants.show_po_notes).
 */
export async function loadEtaWhy(db: DbOrTx, lineIds: readonly number[]): Promise<Map<number, EtaWhy>> {
  if (lineIds.length === 0) return new Map();
  const found = await rows<{ line_id: number; reason: EtaWhy["reason"]; note: string | null; po_note: string | null }>(
    db,
    sql`select distinct on (e.order_line_id) e.order_line_id as line_id, e.reason,
               case when e.reason = 'manual' then e.note end as note,
               case when m.show_po_notes and e.reason in ('po_delayed', 'po_advanced') then
                 (select d.note from purchase_order_date_changes d
                  where d.purchase_order_id = e.purchase_order_id and d.changed_at <= e.at
                  order by d.changed_at desc, d.id desc limit 1) end as po_note
        from eta_events e join merchants m on m.id = e.merchant_id
        where e.order_line_id = any(${bigintArray([...lineIds])}) and e.reason <> 'initial'
        order by e.order_line_id, e.at desc, e.id desc`,
  );
  return new Map(found.map((r) => [Number(r.line_id), { reason: r.reason, note: r.note, poNote: r.po_note }]));
}
