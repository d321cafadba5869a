import { afterEach, beforeEach, describe, expect, it } from "vitest";
import postgres from "postgres";
import { sql } from "drizzle-orm";
import { openPostgres, rows, type Database } from "./client";
import { errorCode } from "./transaction";
import { within } from "../../testing/within";

// A transaction whose connection the server closes (PostgreSQL restarting, an administrator's
// pg_terminate_backend, a failover) must fail at once and leave the pool healthy. postgres.js 3.4.9
// does neither on a reserved connection (porsager/postgres#1208, #1199): the next statement never
// settles and throws an uncaught TypeError, and releasing the connection poisons the pool. The
// drill that restarts PostgreSQL under load found this as a request that never got an answer.
describe.runIf(process.env.DATABASE_URL)("a transaction whose connection is closed by the server (PostgreSQL)", () => {
  let database: Database;
  let admin: postgres.Sql;
  let uncaught: unknown[];
  const onUncaught = (error: unknown) => uncaught.push(error);

  beforeEach(() => {
    uncaught = [];
    process.on("uncaughtException", onUncaught);
    database = openPostgres(process.env.DATABASE_URL!, { max: 2 });
    admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  });
  afterEach(async () => {
    process.off("uncaughtException", onUncaught);
    await database.close();
    await admin.end();
  });

  /** What the transaction failed with, or null when it committed; within the time limit either way. */
  const failureOf = (attempt: Promise<unknown>) =>
    within(
      attempt.then(
        () => null,
        (error: unknown) => error,
      ),
    );

  // Unpatched, postgres.js 3.4.9 handed the killed backend's own error to the first query of the
  // connection that replaced it (porsager/postgres#1223). patches/postgres+3.4.9.patch forgets it,
  // so every query after the loss must succeed.
  async function poolStillWorks() {
    const round = () =>
      within(
        Promise.allSettled(
          Array.from({ length: 6 }, (_, i) => rows<{ n: number }>(database.db, sql`select ${i}::int as n`)),
        ),
      );
    for (let i = 0; i < 2; i++) {
      expect((await round()).map((r) => (r.status === "fulfilled" ? r.value[0]!.n : errorCode(r.reason)))).toEqual([
        0, 1, 2, 3, 4, 5,
      ]);
    }
    const inTx = await within(
      database.db.transaction(async (tx) => (await rows<{ n: number }>(tx, sql`select 7 as n`))[0]!.n),
    );
    expect(inTx).toBe(7);
  }

  it("fails the next statement at once when the connection closed between statements", async () => {
    const attempt = database.db.transaction(async (tx) => {
      const [{ pid }] = (await rows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`)) as [{ pid: number }];
      await admin`select pg_terminate_backend(${pid})`;
      await new Promise((resolve) => setTimeout(resolve, 300)); // the close reaches the client
      await rows(tx, sql`select 1`);
      return "committed";
    });
    const outcome = await failureOf(attempt);
    expect(outcome).not.toBeNull();
    expect(errorCode(outcome)).toBe("CONNECTION_CLOSED");
    await poolStillWorks();
    expect(uncaught).toEqual([]);
  });

  it("fails the statement in flight and leaves no broken connection in the pool", async () => {
    const attempt = database.db.transaction(async (tx) => {
      const [{ pid }] = (await rows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`)) as [{ pid: number }];
      const sleeping = rows(tx, sql`select pg_sleep(5)`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await admin`select pg_terminate_backend(${pid})`;
      await sleeping;
      return "committed";
    });
    const outcome = await failureOf(attempt);
    expect(outcome).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await poolStillWorks();
    expect(uncaught).toEqual([]);
  });
});
