import { sql } from "drizzle-orm";
import { rows, type DbOrTx } from "../db/client";
import { addressKey } from "../http/client-address";

export type RateLimit = { limit: number; windowSeconds: number };
export type RateDecision = { allowed: boolean; retryAfterSeconds: number };

/**
 * Counts one attempt for each key in windows stored in PostgreSQL, so the limit holds across app
 * instances. Allowed only if every key is still under its limit.
 *
 * The count is a sliding window: this window's attempts plus the previous window's, weighted by how
 * much of it the last `windowSeconds` still cover. A fixed window alone lets a client spend its
 * limit just before a boundary and again just after it (twice the limit in a few seconds).
 */
export async function hitRateLimits(
  db: DbOrTx,
  checks: { key: string; rule: RateLimit }[],
  now: Date = new Date(),
): Promise<RateDecision> {
  let allowed = true;
  let retryAfterSeconds = 0;
  for (const { key, rule } of checks) {
    const window = windowOf(rule, now);
    const [row] = await rows<{ count: number }>(
      db,
      sql`insert into rate_limits (key, window_start, count) values (${key}, ${window.start.toISOString()}::timestamptz, 1)
          on conflict (key, window_start) do update set count = rate_limits.count + 1
          returning count`,
    );
    const current = Number(row!.count);
    const previous = await previousCount(db, key, window);
    if (over(rule.limit, previous, current, window)) {
      allowed = false;
      retryAfterSeconds = Math.max(retryAfterSeconds, secondsUntilAllowed(rule, previous, current, window));
    }
  }
  // Old windows are useless; trim them now and then instead of on every hit.
  if (Math.random() < 0.01)
    await db.execute(sql`delete from rate_limits where window_start < now() - interval '1 day'`);
  return { allowed, retryAfterSeconds };
}

/** Whether every key is still under its limit, without counting an attempt (to word a refusal early). */
export async function underRateLimits(
  db: DbOrTx,
  checks: { key: string; rule: RateLimit }[],
  now: Date = new Date(),
): Promise<boolean> {
  for (const { key, rule } of checks) {
    const window = windowOf(rule, now);
    const [row] = await rows<{ count: number }>(
      db,
      sql`select count from rate_limits where key = ${key} and window_start = ${window.start.toISOString()}::timestamptz`,
    );
    const previous = await previousCount(db, key, window);
    // Under if one more attempt would not be over.
    if (over(rule.limit, previous, Number(row?.count ?? 0) + 1, window)) return false;
  }
  return true;
}

/** A fixed window of a rule, with the one before it; times in whole milliseconds so the sums are exact. */
type Window = { start: Date; previousStart: Date; ms: number; elapsedMs: number };

function windowOf(rule: RateLimit, now: Date): Window {
  const ms = rule.windowSeconds * 1000;
  const start = Math.floor(now.getTime() / ms) * ms;
  return { start: new Date(start), previousStart: new Date(start - ms), ms, elapsedMs: now.getTime() - start };
}

async function previousCount(db: DbOrTx, key: string, window: Window): Promise<number> {
  const [row] = await rows<{ count: number }>(
    db,
    sql`select count from rate_limits where key = ${key} and window_start = ${window.previousStart.toISOString()}::timestamptz`,
  );
  return Number(row?.count ?? 0);
}

/**
 * Whether the attempts of the last window's length are over `limit`: this window's, plus the
 * previous window's in the share of it still inside (previous × (ms − elapsed) / ms), multiplied out.
 */
function over(limit: number, previous: number, current: number, window: Window): boolean {
  return previous * (window.ms - window.elapsedMs) + current * window.ms > limit * window.ms;
}

/** How long until one more attempt would be allowed, in this window or as the next one's. */
function secondsUntilAllowed(rule: RateLimit, previous: number, current: number, window: Window): number {
  const { ms, elapsedMs } = window;
  const room = rule.limit - current - 1;
  let atMs: number;
  if (room >= 0) {
    // previous × (ms − t) ≤ room × ms from t = ms × (previous − room) / previous on.
    atMs = Math.ceil((ms * (previous - room)) / previous);
  } else {
    // Next window: this window's attempts fade the same way; current × (ms − t) ≤ (limit − 1) × ms.
    atMs = ms + Math.ceil((ms * Math.max(0, current - rule.limit + 1)) / current);
  }
  return Math.max(1, Math.ceil((atMs - elapsedMs) / 1000));
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
