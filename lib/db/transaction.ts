import type { DbOrTx, Tx } from "./client";

const retryableCodes = new Set(["40001", "40P01"]); // serialization failure, deadlock

// The keys our upserts look up before they insert: a unique violation on one of them means another
// transaction inserted the same order number (PO reference, external id) first, and ours, run
// again, finds that row and updates it. Any other unique violation is a mistake, not retried.
const upsertKeys = new Set([
  "orders_merchant_number",
  "orders_merchant_external_id",
  "purchase_orders_merchant_reference",
  "shipments_merchant_external_id",
  "suppliers_merchant_name",
]);

/** The first of these fields that is text, on the error or its causes (drivers and drizzle wrap them). */
function causeField(error: unknown, names: readonly string[]): string | undefined {
  for (let e = error as (Record<string, unknown> & { cause?: unknown }) | undefined; e; e = e.cause as typeof e) {
    const value = names.map((name) => e![name]).find((v) => typeof v === "string");
    if (value !== undefined) return value as string;
  }
  return undefined;
}

function errorCode(error: unknown): string | undefined {
  return causeField(error, ["code"]);
}

/** The constraint a PostgreSQL error names (postgres.js: constraint_name; PGlite: constraint). */
const constraintOf = (error: unknown) => causeField(error, ["constraint_name", "constraint"]);

/** The PostgreSQL error code behind a driver or drizzle error, if any. */
export { errorCode };

// The connection was gone before the transaction began: PostgreSQL restarted or failed over and a
// pooled connection still carried the news ("terminating connection due to administrator
// command"), or the server was still starting up. Nothing of the transaction ran, so it can run again.
const connectionLossCodes = new Set([
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08003",
  "08006",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
]);

/**
 * Runs `work` in a transaction, or in the caller's when it passes one. At the top level a
 * deadlock, serialization failure or an upsert's unique violation is retried, since the other
 * transaction won and ours can simply run again on the new state; so is a connection that was
 * lost before `work` began (never one lost after: whether that transaction committed cannot be
 * known here).
 */
export async function transaction<T>(db: DbOrTx, work: (tx: Tx) => Promise<T>, attempts = 5): Promise<T> {
  // Already in a transaction: the work joins it, and its failure fails the whole (the API request,
  // the agent's action), so a savepoint would only cost two more round trips. `savepoint` is for
  // the caller that goes on after a failure.
  if ("rollback" in db) return work(db);
  for (let attempt = 1; ; attempt++) {
    let began = false;
    try {
      return await db.transaction((tx) => {
        began = true;
        return work(tx);
      });
    } catch (error) {
      const code = errorCode(error) ?? "";
      const retry =
        retryableCodes.has(code) ||
        (code === "23505" && upsertKeys.has(constraintOf(error) ?? "")) ||
        (!began && connectionLossCodes.has(code));
      if (attempt >= attempts || !retry) throw error;
      await new Promise((resolve) => setTimeout(resolve, (began ? 5 : 100) * attempt + Math.random() * 20));
    }
  }
}

/** Runs `work` in a savepoint of `tx`: when it throws, its changes are undone and `tx` goes on. */
export function savepoint<T>(tx: Tx, work: (tx: Tx) => Promise<T>): Promise<T> {
  return tx.transaction(work);
}
