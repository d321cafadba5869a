import { desc, eq, ilike } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { devMailbox } from "../db/schema/notifications";
import { env } from "../env";

/** The dev mailbox exists only when it is the mail transport (never with a Resend key). */
export function mailboxEnabled(): boolean {
  return env().mailTransport === "mailbox";
}

export async function listMailbox(db: DbOrTx, options: { to?: string; limit?: number } = {}) {
  return db
    .select({ id: devMailbox.id, to: devMailbox.to, subject: devMailbox.subject, createdAt: devMailbox.createdAt })
    .from(devMailbox)
    .where(options.to ? ilike(devMailbox.to, `%${options.to.replace(/[%_\\]/g, "\\$&")}%`) : undefined)
    .orderBy(desc(devMailbox.id))
    .limit(options.limit ?? 100);
}

export async function mailById(db: DbOrTx, id: number) {
  const [mail] = await db.select().from(devMailbox).where(eq(devMailbox.id, id));
  return mail ?? null;
}
