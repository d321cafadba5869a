import { sql } from "drizzle-orm";
import { rows, type DbOrTx } from "../db/client";
import { addressKey } from "../http/client-address";

export type RateLimit = { limit: number; windowSeconds: number };
export type RateDecision = { allowed: boolean; retryAfterSeconds: number };

/**
 * Counts one attempt for each key in fixed windows stored in PostgreSQL, so the limit holds
 * across app instances. Allowed only if every key is still under its limit.
 */
export async function hitRateLimits(
  db: DbOrTx,
  checks: { key: string; rule: RateLimit }[],
  now: Date = new Date(),
): Promise<RateDecision> {
  let allowed = true;
  let retryAfterSeconds = 0;
  for (const { key, rule } of checks) {
    const windowStart = windowOf(rule, now);
    const [row] = await rows<{ count: number }>(
      db,
      sql`insert into rate_limits (key, window_start, count) values (${key}, ${windowStart.toISOString()}::timestamptz, 1)
          on conflict (key, window_start) do update set count = rate_limits.count + 1
          returning count`,
    );
    if (Number(row!.count) > rule.limit) {
      allowed = false;
      retryAfterSeconds = Math.max(
        retryAfterSeconds,
        Math.ceil((windowStart.getTime() + rule.windowSeconds * 1000 - now.getTime()) / 1000),
      );
    }
  }
  // Old windows are useless; trim them now and then instead of on every hit.
  if (Math.random() < 0.01)
    await db.execute(sql`delete from rate_limits where window_start < now() - interval '1 day'`);
  return { allowed, retryAfterSeconds };
}

function windowOf(rule: RateLimit, now: Date): Date {
  return new Date(Math.floor(now.getTime() / (rule.windowSeconds * 1000)) * rule.windowSeconds * 1000);
}

/** Whether every key is still under its limit, without counting an attempt (to word a refusal early). */
export async function underRateLimits(
  db: DbOrTx,
  checks: { key: string; rule: RateLimit }[],
  now: Date = new Date(),
): Promise<boolean> {
  for (const { key, rule } of checks) {
    const [row] = await rows<{ count: number }>(
      db,
      sql`select count from rate_limits where key = ${key} and window_start = ${windowOf(rule, now).toISOString()}::timestamptz`,
    );
    if (row && Number(row.count) >= rule.limit) return false;
  }
  return true;
}

export const lookupLimits = {
  perIp: { limit: 20, windowSeconds: 15 * 60 },
  perEmail: { limit: 8, windowSeconds: 15 * 60 },
} satisfies Record<string, RateLimit>;

/** Sign-in emails, counted where every path that sends one meets (Auth.js's sendVerificationRequest). */
export function signInChecks(params: { email: string; client: string }) {
  return [
    { key: `signin:ip:${addressKey(params.client)}`, rule: signInLimits.perIp },
    { key: `signin:email:${params.email}`, rule: signInLimits.perEmail },
  ];
}

export const signInLimits = {
  perIp: { limit: 10, windowSeconds: 15 * 60 },
  perEmail: { limit: 5, windowSeconds: 15 * 60 },
} satisfies Record<string, RateLimit>;
