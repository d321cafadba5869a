import { sql } from "drizzle-orm";
import { systemActor } from "../../audit/actor";
import { writeAudit } from "../../audit/log";
import { rows, type DbOrTx } from "../../db/client";
import { uuidArray } from "../../db/sql-helpers";
import { transaction } from "../../db/transaction";
import { env } from "../../env";
import { publicOnlyFetch } from "../../security/outbound";
import { signatureHeaders } from "./signing";

// Sending deliveries to merchants' endpoints. A worker claims due deliveries (FOR UPDATE SKIP
// LOCKED, at most one per endpoint per claim), marks them `delivering` with a lease (a worker that
// dies mid-request leaves them to be claimed again when the lease ends), and sends each on its own
// with a timeout, so a receiver that hangs holds up only its own delivery. Outcomes:
//   2xx → delivered; 410 Gone → the endpoint is disabled (the receiver asked us to stop);
//   anything else, a timeout or a refused connection → retried on the schedule below, or at the
//   receiver's Retry-After, until the schedule runs out (then failed; agents can resend).

/** Seconds before each retry: 10 attempts over about three days. */
export const deliveryRetrySchedule = [5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 72_000] as const;

/** A Retry-After beyond this is taken as this: a day is long enough to wait on one receiver. */
const maxRetryAfterSeconds = 86_400;

export type DeliveryOptions = {
  now?: Date;
  /** Default: only public addresses, checked as each delivery connects (lib/security/outbound.ts). */
  fetch?: (
    url: string,
    init: { method: string; body: string; headers: Record<string, string>; signal?: AbortSignal; redirect?: "manual" },
  ) => Promise<Response>;
  /** A receiver gets this long to answer (default 15 s). */
  timeoutMs?: number;
  retrySchedule?: readonly number[];
  /** Spreads retries so endpoints that failed together do not retry together; tests pass () => 0.5. */
  random?: () => number;
  /** Unix time for the `webhook-timestamp` header: always the real clock, since receivers compare it with theirs. */
  signingClock?: () => number;
};

export type ClaimedDelivery = {
  id: string;
  merchantId: string;
  endpointId: string;
  eventType: string;
  payload: string;
  attempts: number;
  url: string;
  secrets: string[];
};

export type DeliveryOutcome = "delivered" | "retrying" | "failed" | "disabled";

export const defaultTimeoutMs = 15_000;

/** Claims up to `limit` due deliveries, one per endpoint, skipping endpoints in `busyEndpoints`. */
export async function claimDueDeliveries(
  db: DbOrTx,
  params: { now: Date; limit: number; leaseSeconds: number; busyEndpoints?: readonly string[] },
): Promise<ClaimedDelivery[]> {
  const now = params.now.toISOString();
  const lease = new Date(params.now.getTime() + params.leaseSeconds * 1000).toISOString();
  const busy = params.busyEndpoints ?? [];
  const found = await rows<{
    id: string;
    merchant_id: string;
    endpoint_id: string;
    event_type: string;
    payload: string;
    attempts: number;
    url: string;
    secret: string;
    previous_secret: string | null;
    previous_secret_expires_at: string | Date | null;
  }>(
    db,
    sql`with picked as (
          select d.id from webhook_deliveries d
          join webhook_endpoints e on e.id = d.endpoint_id and e.enabled
          where d.status in ('pending', 'delivering') and d.next_attempt_at <= ${now}::timestamptz
            and d.id in (
              select id from (
                select id, row_number() over (partition by endpoint_id order by next_attempt_at, created_at) as rn
                from webhook_deliveries
                where status in ('pending', 'delivering') and next_attempt_at <= ${now}::timestamptz) oldest
              where rn = 1)
            ${busy.length > 0 ? sql`and not (d.endpoint_id = any(${uuidArray(busy)}))` : sql``}
          order by d.next_attempt_at
          limit ${params.limit}
          for update of d skip locked),
        claimed as (
          update webhook_deliveries d
          set status = 'delivering', attempts = d.attempts + 1, next_attempt_at = ${lease}::timestamptz, last_attempt_at = ${now}::timestamptz
          from picked where d.id = picked.id
          returning d.id, d.merchant_id, d.endpoint_id, d.event_type, d.payload::text as payload, d.attempts)
        select c.*, e.url, e.secret, e.previous_secret, e.previous_secret_expires_at
        from claimed c join webhook_endpoints e on e.id = c.endpoint_id`,
  );
  return found.map((r) => {
    const expires = r.previous_secret_expires_at ? new Date(r.previous_secret_expires_at) : null;
    const secrets = [r.secret];
    if (r.previous_secret && (!expires || expires > params.now)) secrets.push(r.previous_secret);
    return {
      id: r.id,
      merchantId: r.merchant_id,
      endpointId: r.endpoint_id,
      eventType: r.event_type,
      payload: r.payload,
      attempts: Number(r.attempts),
      url: r.url,
      secrets,
    };
  });
}

/** The body we send: the stored event with its keys in reading order (older deliveries have no `id`). */
export function deliveryBody(storedPayload: string): string {
  const { id, type, timestamp, data } = JSON.parse(storedPayload) as {
    id?: string;
    type: string;
    timestamp: string;
    data: unknown;
  };
  return JSON.stringify({ id, type, timestamp, data });
}

/** Retry-After as seconds: a number of seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterSeconds(header: string | null, nowMs: number): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  const seconds = /^\d+$/.test(trimmed) ? Number(trimmed) : (Date.parse(trimmed) - nowMs) / 1000;
  if (!Number.isFinite(seconds)) return null;
  return Math.min(Math.max(seconds, 0), maxRetryAfterSeconds);
}

type Attempt =
  { ok: true; status: number } | { ok: false; status: number | null; error: string; retryAfter: number | null };

async function attempt(delivery: ClaimedDelivery, options: DeliveryOptions): Promise<Attempt> {
  const body = deliveryBody(delivery.payload);
  const timestampSeconds = Math.floor((options.signingClock ?? (() => Date.now() / 1000))());
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const send = options.fetch ?? (env().WEBHOOKS_ALLOW_INTERNAL_ADDRESSES ? fetch : publicOnlyFetch);
    const response = await send(delivery.url, {
      method: "POST",
      body,
      // Never followed: a redirect would send a signed event to an address nobody configured.
      redirect: "manual",
      signal,
      headers: {
        "content-type": "application/json",
        "user-agent": "BackorderPortal-Webhooks/1.0",
        ...signatureHeaders({ messageId: delivery.id, timestampSeconds, body, secrets: delivery.secrets }),
      },
    });
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel().catch(() => {});
      return { ok: true, status: response.status };
    }
    const text = await response.text().catch(() => "");
    const snippet = text.replace(/\s+/g, " ").trim().slice(0, 300);
    const reason =
      response.status >= 300 && response.status < 400
        ? `redirect to ${response.headers.get("location") ?? "?"} (not followed)`
        : snippet;
    return {
      ok: false,
      status: response.status,
      error: `HTTP ${response.status}${reason ? `: ${reason}` : ""}`,
      retryAfter: retryAfterSeconds(response.headers.get("retry-after"), Date.now()),
    };
  } catch (error) {
    if (signal.aborted)
      return { ok: false, status: null, error: `No answer within ${timeoutMs / 1000} s`, retryAfter: null };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return {
      ok: false,
      status: null,
      error: `Could not connect: ${cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))}`,
      retryAfter: null,
    };
  }
}

/** Sends one claimed delivery and records what happened. */
export async function sendClaimedDelivery(
  db: DbOrTx,
  delivery: ClaimedDelivery,
  options: DeliveryOptions = {},
): Promise<DeliveryOutcome> {
  const result = await attempt(delivery, options);
  const now = options.now ?? new Date();
  const at = now.toISOString();
  // Only the claim that is still ours is settled: after a lease ran out another worker owns it.
  const ours = sql`id = ${delivery.id} and status = 'delivering' and attempts = ${delivery.attempts}`;
  if (result.ok) {
    await db.execute(sql`
      update webhook_deliveries set status = 'delivered', delivered_at = ${at}::timestamptz, next_attempt_at = ${at}::timestamptz,
             last_status_code = ${result.status}, last_error = null
      where ${ours}`);
    return "delivered";
  }
  if (result.status === 410) {
    await transaction(db, async (tx) => {
      const settled = await rows(
        tx,
        sql`update webhook_deliveries set status = 'failed', next_attempt_at = ${at}::timestamptz, last_status_code = 410,
                   last_error = ${`${result.error} — the endpoint was disabled`.slice(0, 1000)}
            where ${ours} returning id`,
      );
      if (settled.length === 0) return;
      const reason = `The receiver answered 410 Gone on ${at.slice(0, 16).replace("T", " ")} UTC`;
      const disabled = await rows(
        tx,
        sql`update webhook_endpoints set enabled = false, disabled_reason = ${reason}
            where id = ${delivery.endpointId}::uuid and enabled returning id`,
      );
      if (disabled.length > 0) {
        await writeAudit(tx, systemActor("webhook-delivery"), now, [
          {
            merchantId: delivery.merchantId,
            action: "webhook_endpoint.disabled",
            entityType: "webhook_endpoint",
            entityId: delivery.endpointId,
            after: { reason, deliveryId: delivery.id },
          },
        ]);
      }
    });
    return "disabled";
  }
  const schedule = options.retrySchedule ?? deliveryRetrySchedule;
  const planned = schedule[delivery.attempts - 1];
  if (planned === undefined) {
    await db.execute(sql`
      update webhook_deliveries set status = 'failed', next_attempt_at = ${at}::timestamptz, last_status_code = ${result.status},
             last_error = ${`Gave up after ${delivery.attempts} attempts. Last: ${result.error}`.slice(0, 1000)}
      where ${ours}`);
    return "failed";
  }
  const jitter = 0.9 + 0.2 * (options.random ?? Math.random)();
  const delaySeconds = result.retryAfter ?? planned * jitter;
  await db.execute(sql`
    update webhook_deliveries set status = 'pending', next_attempt_at = ${new Date(now.getTime() + delaySeconds * 1000).toISOString()}::timestamptz,
           last_status_code = ${result.status}, last_error = ${result.error.slice(0, 1000)}
    where ${ours}`);
  return "retrying";
}

export type DeliveryRun = Record<DeliveryOutcome, number> & { claimed: number };

/** One pass: claims what is due now and sends it all at once (tests, scripts). */
export async function deliverDueWebhooks(
  db: DbOrTx,
  options: DeliveryOptions & { limit?: number } = {},
): Promise<DeliveryRun> {
  const now = options.now ?? new Date();
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const claimed = await claimDueDeliveries(db, { now, limit: options.limit ?? 50, leaseSeconds: leaseFor(timeoutMs) });
  const outcomes = await Promise.all(claimed.map((d) => sendClaimedDelivery(db, d, { ...options, now })));
  const run: DeliveryRun = { claimed: claimed.length, delivered: 0, retrying: 0, failed: 0, disabled: 0 };
  for (const o of outcomes) run[o]++;
  return run;
}

/** How long a claim is ours: the request's timeout and room to record its outcome. */
export function leaseFor(timeoutMs: number): number {
  return Math.ceil(timeoutMs / 1000) + 30;
}
