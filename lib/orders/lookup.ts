import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../db/client";
import { orders } from "../db/schema/orders";
import { hitRateLimits, lookupLimits } from "../security/rate-limit";
import { isStorableText } from "../security/text";
import { numberVariants } from "./read";

export const lookupSchema = z.object({
  number: z
    .string()
    .trim()
    .min(1, "Enter your order number.")
    .max(64, "That order number is too long.")
    .refine(isStorableText, "Enter your order number."),
  email: z
    .email("Enter the email address you ordered with.")
    .max(254)
    .transform((e) => e.trim().toLowerCase()),
});

export type LookupOutcome =
  | { kind: "found"; orderId: string }
  | { kind: "not_found" }
  | { kind: "invalid"; message: string }
  | { kind: "slow_down"; retryAfterSeconds: number };

/**
 * Order number + email, no account. A wrong email and a missing order run the same query and get
 * the same answer, so the response tells nothing about which orders exist.
 */
export async function lookupOrder(
  db: DbOrTx,
  input: { number: unknown; email: unknown; ip: string },
  now = new Date(),
): Promise<LookupOutcome> {
  const parsed = lookupSchema.safeParse(input);
  if (!parsed.success) return { kind: "invalid", message: parsed.error.issues[0]!.message };
  const { number, email } = parsed.data;
  const limit = await hitRateLimits(
    db,
    [
      { key: `lookup:ip:${input.ip}`, rule: lookupLimits.perIp },
      { key: `lookup:email:${email}`, rule: lookupLimits.perEmail },
    ],
    now,
  );
  if (!limit.allowed) return { kind: "slow_down", retryAfterSeconds: limit.retryAfterSeconds };
  const [order] = await db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.email, email), inArray(orders.number, numberVariants(number))))
    .limit(1);
  return order ? { kind: "found", orderId: order.id } : { kind: "not_found" };
}
