import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { openPostgres, rows } from "./client";
import { transaction } from "./transaction";

// postgres.js 3.4.9 can send a transaction's BEGIN pipelined behind another query without
// reserving the connection (porsager/postgres#1189): the transaction fails with
// UNSAFE_TRANSACTION, or other queries run inside it. Our client runs transactions on a reserved
// connection instead; this drives the race that exposed it (a small pool kept busy, plain queries
// and transactions fired together) and expects every transaction whole and alone.
describe.runIf(process.env.DATABASE_URL)("transactions under a busy pool (PostgreSQL)", () => {
  it("never lose their connection to another query, nor fail with UNSAFE_TRANSACTION", async () => {
    const database = openPostgres(process.env.DATABASE_URL!, { max: 3 });
    const { db } = database;
    try {
      // postgres.js pipelines up to 100 queries per connection: BEGIN landing at that boundary
      // was the one sent without reserving its connection.
      for (let round = 0; round < 4; round++) {
        const busy = Array.from({ length: 3 }, () => db.execute(sql`select pg_sleep(0.1)`));
        const plain = Array.from({ length: 97 * 3 + round }, () =>
          rows<{ open: boolean }>(db, sql`select now() <> statement_timestamp() as open`),
        );
        const transactions = Array.from({ length: 12 }, (_, i) =>
          transaction(db, async (tx) => {
            const [first] = await rows<{ pid: number; xid: string }>(
              tx,
              sql`select pg_backend_pid() as pid, txid_current()::text as xid`,
            );
            await tx.execute(sql`select pg_sleep(0.01)`);
            const [second] = await rows<{ pid: number; xid: string }>(
              tx,
              sql`select pg_backend_pid() as pid, txid_current()::text as xid`,
            );
            return { i, first: first!, second: second! };
          }),
        );
        const [, plainResults, txResults] = await Promise.all([
          Promise.all(busy),
          Promise.all(plain),
          Promise.all(transactions),
        ]);
        // A plain query never runs inside someone's open transaction (there, now() is the transaction's start).
        expect(plainResults.flat().every((r) => r.open === false)).toBe(true);
        // Each transaction stays on one connection and in one transaction.
        for (const t of txResults) expect(t.second).toEqual(t.first);
      }
    } finally {
      await database.close();
    }
  }, 60_000);
});
