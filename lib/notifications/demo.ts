import { sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { instant } from "../db/sql-helpers";
import { gatherQueued } from "./outbox";

/**
 * The demo seed plays 60 days of history through the domain functions, so it writes the outbox
 * too. Mail of that past counts as already sent (its gathered ETA emails as decided with nothing
 * to say), so a fresh demo mails only what happened since `before`, not hundreds of old notices.
 */
export async function settleSeededOutbox(db: DbOrTx, params: { before: Date }): Promise<void> {
  await gatherQueued(db, { limit: Number.POSITIVE_INFINITY });
  await db.execute(sql`
    update notifications
    set status = case when kind = 'eta_moved' then 'skipped' else 'sent' end,
        sent_at = case when kind = 'eta_moved' then null else due_at end,
        payload = case when kind = 'eta_moved' then payload || '{"final": true, "changes": []}'::jsonb else payload end,
        provider_message_id = case when kind = 'eta_moved' then null else 'demo-history' end,
        updated_at = due_at
    where status = 'pending' and created_at < ${instant(params.before)}`);
}
