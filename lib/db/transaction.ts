import type { DbOrTx, Tx } from "./client";

const retryableCodes = new Set(["40001", "40P01"]); // serialization failure, deadlock

function errorCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === "string") return e.code;
  }
  return undefined;
}

/** The PostgreSQL error code behind a driver or drizzle error, if any. */
export { errorCode };

/**
 * Runs `work` in a transaction (a savepoint when already inside one). At the top level a
 * deadlock or serialization failure is retried, since the other transaction won and ours can
 * simply run again on the new state.
 */
export async function transaction<T>(db: DbOrTx, work: (tx: Tx) => Promise<T>, attempts = 5): Promise<T> {
  const nested = "rollback" in db;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (error) {
      if (nested || attempt >= attempts || !retryableCodes.has(errorCode(error) ?? "")) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 20));
    }
  }
}
