import { eq } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { orders } from "../db/schema/orders";
import { env } from "../env";
import { signToken, verifyToken } from "./tokens";

// Signed view links: order-scoped, read-only, no sign-in. They stay valid until 30 days after the
// order's last line ships or is cancelled, and an order's links can be revoked all at once.

export const viewLinkGraceDays = 30;

type ViewPayload = { o: string; i: number };

export function viewToken(orderId: string, issuedAt: Date = new Date()): string {
  return signToken("view", { o: orderId, i: Math.floor(issuedAt.getTime() / 1000) });
}

export function viewLinkUrl(orderId: string, issuedAt?: Date): string {
  return `${env().APP_URL}/o/${viewToken(orderId, issuedAt)}`;
}

export type ViewLinkCheck = { ok: true; orderId: string } | { ok: false; reason: "invalid" | "expired" | "revoked" };

/** Checks a view token against its order's current state (closed long enough ago, revoked). */
export async function checkViewToken(db: DbOrTx, token: string, now: Date = new Date()): Promise<ViewLinkCheck> {
  const payload = verifyToken<ViewPayload>("view", token);
  if (
    !payload ||
    typeof payload.o !== "string" ||
    typeof payload.i !== "number" ||
    !/^[0-9a-f-]{36}$/.test(payload.o)
  ) {
    return { ok: false, reason: "invalid" };
  }
  const [order] = await db
    .select({ closedAt: orders.closedAt, revokedAt: orders.viewLinksRevokedAt })
    .from(orders)
    .where(eq(orders.id, payload.o));
  if (!order) return { ok: false, reason: "invalid" };
  if (order.revokedAt && payload.i * 1000 <= order.revokedAt.getTime()) return { ok: false, reason: "revoked" };
  if (order.closedAt && now.getTime() > order.closedAt.getTime() + viewLinkGraceDays * 86_400_000)
    return { ok: false, reason: "expired" };
  return { ok: true, orderId: payload.o };
}

/** Revokes every view link issued for this order so far. */
export async function revokeViewLinks(db: DbOrTx, orderId: string, now: Date = new Date()) {
  await db.update(orders).set({ viewLinksRevokedAt: now }).where(eq(orders.id, orderId));
}
