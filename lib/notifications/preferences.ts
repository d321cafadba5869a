import { and, eq, sql } from "drizzle-orm";
import { writeAudit } from "../audit/log";
import type { DbOrTx } from "../db/client";
import { merchants } from "../db/schema/merchants";
import { emailPreferences } from "../db/schema/notifications";
import { orders } from "../db/schema/orders";
import { transaction } from "../db/transaction";

// A shopper's email choices. ETA updates are optional, for one order or for all; shipped emails,
// confirmations and delay notices are always sent (they are about money and the law, not news).
// Choices are read when an email is decided, so a change applies to mail already gathering.

export type PreferencesView = {
  email: string;
  /** The choice for all orders (true when never set). */
  allOrders: boolean;
  /** The order the link came from, with its own choice (null: follow the choice for all orders). */
  order: {
    id: string;
    number: string;
    merchantName: string;
    brandColor: string;
    logoUrl: string | null;
    supportEmail: string;
    choice: boolean | null;
  } | null;
};

export async function preferencesView(
  db: DbOrTx,
  params: { email: string; orderId: string | null },
): Promise<PreferencesView> {
  const email = params.email.toLowerCase();
  const [pref] = await db.select().from(emailPreferences).where(eq(emailPreferences.email, email));
  let order: PreferencesView["order"] = null;
  if (params.orderId) {
    const [found] = await db
      .select({
        id: orders.id,
        number: orders.number,
        choice: orders.etaUpdates,
        merchantName: merchants.name,
        brandColor: merchants.brandColor,
        logoUrl: merchants.logoUrl,
        supportEmail: merchants.supportEmail,
      })
      .from(orders)
      .innerJoin(merchants, eq(merchants.id, orders.merchantId))
      // Scoped to the email the link was signed for: a link never reaches someone else's order.
      .where(and(eq(orders.id, params.orderId), eq(orders.email, email)));
    order = found ?? null;
  }
  return { email, allOrders: pref?.etaUpdates ?? true, order };
}

/**
 * Saves the choices: for all orders, and (when given) this order's own choice, where null means
 * "follow my choice for all orders".
 */
export async function savePreferences(
  db: DbOrTx,
  params: { email: string; allOrders: boolean; order?: { id: string; choice: boolean | null }; now: Date },
): Promise<void> {
  const email = params.email.toLowerCase();
  await transaction(db, async (tx) => {
    const [before] = await tx.select().from(emailPreferences).where(eq(emailPreferences.email, email));
    await tx
      .insert(emailPreferences)
      .values({ email, etaUpdates: params.allOrders, updatedAt: params.now })
      .onConflictDoUpdate({
        target: emailPreferences.email,
        set: { etaUpdates: params.allOrders, updatedAt: params.now },
      });
    let orderRow: { merchantId: string; etaUpdates: boolean | null } | undefined;
    if (params.order) {
      [orderRow] = await tx
        .update(orders)
        .set({ etaUpdates: params.order.choice, updatedAt: params.now })
        .where(and(eq(orders.id, params.order.id), eq(orders.email, email)))
        .returning({ merchantId: orders.merchantId, etaUpdates: orders.etaUpdates });
    }
    await writeAudit(tx, { type: "shopper", id: email }, params.now, [
      {
        merchantId: orderRow?.merchantId ?? null,
        action: "email_preferences.changed",
        entityType: "email_preferences",
        entityId: email,
        orderId: params.order?.id ?? null,
        before: { allOrders: before?.etaUpdates ?? true },
        after: { allOrders: params.allOrders, ...(params.order ? { order: params.order.choice } : {}) },
      },
    ]);
  });
}

/**
 * One-click unsubscribe (RFC 8058): no more ETA updates for this email, on any order, at once.
 * Orders where the shopper had asked for them explicitly follow the new choice too.
 */
export async function unsubscribeFromEtaUpdates(db: DbOrTx, params: { email: string; now: Date }): Promise<void> {
  const email = params.email.toLowerCase();
  await transaction(db, async (tx) => {
    await tx
      .insert(emailPreferences)
      .values({ email, etaUpdates: false, updatedAt: params.now })
      .onConflictDoUpdate({ target: emailPreferences.email, set: { etaUpdates: false, updatedAt: params.now } });
    await tx
      .update(orders)
      .set({ etaUpdates: null })
      .where(and(eq(orders.email, email), sql`${orders.etaUpdates} is true`));
    await writeAudit(tx, { type: "shopper", id: email }, params.now, [
      {
        merchantId: null,
        action: "email_preferences.unsubscribed",
        entityType: "email_preferences",
        entityId: email,
        after: { allOrders: false },
      },
    ]);
  });
}
