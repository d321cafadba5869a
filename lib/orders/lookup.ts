import { createElement } from "react";
import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../db/client";
import { merchants } from "../db/schema/merchants";
import { onPrimary, type Reads } from "../db/reads";
import { orders } from "../db/schema/orders";
import { sendNow } from "../email/send";
import { OrderLinkEmail } from "../email/templates/order-link";
import { env } from "../env";
import { addressKey } from "../http/client-address";
import { viewLinkUrl } from "../links/view-link";
import { hitRateLimits, lookupLimits, underRateLimits } from "../security/rate-limit";
import { isStorableText } from "../security/text";
import { numberVariants } from "./read";

// Zod's own words ("Invalid input: expected string, received undefined") never reach a shopper:
// every way a field can be wrong or missing says the same sentence.
const numberMessage = "Enter your order number.";
const emailMessage = "Enter the email address you ordered with.";

export const lookupSchema = z.object({
  number: z
    .string({ error: numberMessage })
    .trim()
    .min(1, numberMessage)
    .max(64, "That order number is too long.")
    .refine(isStorableText, numberMessage),
  email: z
    .string({ error: emailMessage })
    .trim()
    .pipe(z.email(emailMessage).max(254, emailMessage))
    .transform((e) => e.toLowerCase()),
});

export type LookupMatch = { orderId: string; shop: string };

export type LookupOutcome =
  | { kind: "found"; orders: LookupMatch[] }
  | { kind: "not_found" }
  | { kind: "invalid"; field: "number" | "email"; message: string }
  | { kind: "slow_down"; retryAfterSeconds: number }
  | { kind: "emailed" };

/** How many order-link emails one email address gets per hour while its lookups are held back. */
export const orderLinkEmailsPerHour = { limit: 3, windowSeconds: 60 * 60 };

/**
 * Order number + email, no account. A wrong email and a missing order run the same query and get
 * the same answer, so the response tells nothing about which orders exist.
 *
 * Limits: every lookup counts against the client's address. Failed lookups also count against the
 * email; once an email has had too many, lookups with it are no longer answered on screen, right
 * or wrong: a matching order's link goes to that email instead, and the answer is the same either
 * way. So someone guessing the order numbers of a known email (from any number of addresses)
 * learns nothing, and cannot lock the shopper out either: the shopper gets the link in their inbox.
 *
 * The rate limits are writes (on `db`); the search itself may run on a replica (`reads`).
 */
export async function lookupOrder(
  db: DbOrTx,
  input: { number: unknown; email: unknown; ip: string },
  now = new Date(),
  reads: Reads = onPrimary(db),
): Promise<LookupOutcome> {
  const parsed = lookupSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { kind: "invalid", field: issue.path[0] === "email" ? "email" : "number", message: issue.message };
  }
  const { number, email } = parsed.data;
  const client = await hitRateLimits(db, [{ key: `lookup:ip:${addressKey(input.ip)}`, rule: lookupLimits.perIp }], now);
  if (!client.allowed) return { kind: "slow_down", retryAfterSeconds: client.retryAfterSeconds };
  const failures = [{ key: `lookup:email:${email}`, rule: lookupLimits.perEmail }];
  const heldBack = !(await underRateLimits(db, failures, now));
  const found = await reads((reader) =>
    reader
      .select({ orderId: orders.id, shop: merchants.name, number: orders.number })
      .from(orders)
      .innerJoin(merchants, eq(merchants.id, orders.merchantId))
      .where(and(eq(orders.email, email), inArray(orders.number, numberVariants(number))))
      // Two shops can each have an order with this number and email: the shopper picks.
      .orderBy(asc(merchants.name), asc(orders.id)),
  );
  if (found.length === 0) await hitRateLimits(db, failures, now);
  if (heldBack) {
    if (found.length > 0) await emailOrderLinks(db, email, found, now);
    return { kind: "emailed" };
  }
  return found.length > 0
    ? { kind: "found", orders: found.map(({ orderId, shop }) => ({ orderId, shop })) }
    : { kind: "not_found" };
}

async function emailOrderLinks(db: DbOrTx, email: string, found: { orderId: string; number: string }[], now: Date) {
  const mailed = await hitRateLimits(db, [{ key: `lookup:mailed:${email}`, rule: orderLinkEmailsPerHour }], now);
  if (!mailed.allowed) return;
  for (const order of found) {
    const result = await sendNow(
      {
        to: email,
        subject: `The link to order ${order.number}`,
        element: createElement(OrderLinkEmail, {
          url: viewLinkUrl(order.orderId, now),
          appUrl: env().APP_URL,
          orderNumber: order.number,
        }),
      },
      `lookup/${order.orderId}/${now.getTime()}`,
    );
    if (!result.ok) console.error(`Could not email the link to order ${order.orderId}: ${result.error.message}`);
  }
}
