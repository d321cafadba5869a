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

// The connection was gone before the transaction began: PostgreSQL restarted or failed over and a
// pooled connection still carried the news ("terminating connection due to administrator
// command"), or the server was still starting up. Nothing of the transaction ran, so it can run again.
const connectionLossCodes = new Set(["57P01", "57P02", "57P03", "08000", "08003", "08006", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "ECONNRESET", "ECONNREFUSED", "EPIPE"]);

/**
 * Runs `work` in a transaction (a savepoint when already inside one). At the top level a
 * deadlock or serialization failure is retried, since the other transaction won and ours can
 * simply run again on the new state; so is a connection that was lost before `work` began (never
 * one lost after: whether that transaction committed cannot be known here).
 */
export async function transaction<T>(db: DbOrTx, work: (tx: Tx) => Promise<T>, attempts = 5): Promise<T> {
  const nested = "rollback" in db;
  for (let attempt = 1; ; attempt++) {
    let began = false;
    try {
      return await db.transaction((tx) => {
        began = true;
        return work(tx);
      });
    } catch (error) {
      const code = errorCode(error) ?? "";
      const retry = retryableCodes.has(code) || (!began && connectionLossCodes.has(code));
      if (nested || attempt >= attempts || !retry) throw error;
      await new Promise((resolve) => setTimeout(resolve, (began ? 5 : 100) * attempt + Math.random() * 20));
    }
  }
}
