import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createServer, connect, type Server, type Socket } from "node:net";
import postgres from "postgres";
import { sql } from "drizzle-orm";
import { openPostgres, rows, type Database } from "./client";
import { errorCode } from "./transaction";
import { within } from "../../testing/within";

// When PostgreSQL goes away under load (the postgres-restart drill), a connection's socket can end
// with an error (ECONNRESET) rather than a clean close. Node emits the socket's 'error' and its
// 'close' in different turns of the event loop, and postgres.js 3.4.9 fails the connection's
// queries at the 'error' only: a statement sent on the connection in between (the ROLLBACK of the
// transaction whose statement just failed, or a pooled query pipelined onto the same connection)
// was never settled, nor was one a reserved connection held back until its turn, and the request
// waiting on it never answered. Its state of the dead socket
// (the last query, the server's FATAL error) also carried over to the next socket: the next
// reserve() failed with the old 57P01 and its connection was never seen again. The patch in
// patches/postgres+3.4.9.patch settles and forgets everything of the old socket when it closes.
describe.runIf(process.env.DATABASE_URL)("a connection reset by the network or the server (PostgreSQL)", () => {
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let database: Database;
  let admin: postgres.Sql;

  beforeEach(async () => {
    proxy = await startProxy(new URL(process.env.DATABASE_URL!));
    admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  });
  afterEach(async () => {
    await database?.close();
    await admin.end();
    await proxy.close();
  });

  const outcome = (promise: Promise<unknown>) =>
    within(
      promise.then(
        (value) => ({ value }),
        (error: unknown) => ({ code: errorCode(error) }),
      ),
    );
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function poolStillWorks() {
    expect(await within(rows<{ n: number }>(database.db, sql`select 1 as n`))).toEqual([{ n: 1 }]);
    expect(
      await within(database.db.transaction(async (tx) => (await rows<{ n: number }>(tx, sql`select 2 as n`))[0]!.n)),
    ).toBe(2);
  }

  it("settles a pooled query sent on the connection between its error and its close", async () => {
    database = openPostgres(proxy.url, { max: 1 });
    await rows(database.db, sql`select 1`);
    let next: Promise<unknown> | null = null;
    const sleeping = rows(database.db, sql`select pg_sleep(5)`).catch((error: unknown) => {
      // Sent as soon as the first fails: the only connection is still the busy one, so it goes there.
      next = rows(database.db, sql`select 3 as n`);
      throw error;
    });
    await sleep(200);
    proxy.reset();
    expect(await outcome(sleeping)).toEqual({ code: "ECONNRESET" });
    expect(next).not.toBeNull();
    const second = await outcome(next!);
    expect(["CONNECTION_CLOSED", undefined]).toContain((second as { code?: string }).code);
    await poolStillWorks();
  });

  // The transaction's ROLLBACK goes out between the error and the close: pipelined behind the failed
  // statement, or, when that statement was the connection's first of its kind with parameters
  // (described before it runs), held by the reserved connection until its turn.
  for (const [kind, statement] of [
    ["without parameters", sql`select pg_sleep(5)`],
    ["run with parameters for the first time on the connection", sql`select pg_sleep(${5})`],
  ] as const) {
    it(`settles a transaction whose statement ${kind} failed with the reset`, async () => {
      database = openPostgres(proxy.url, { max: 2 });
      const attempt = database.db.transaction(async (tx) => {
        await rows(tx, sql`select 1`);
        await rows(tx, statement);
        return "committed";
      });
      await sleep(200);
      proxy.reset();
      expect(await outcome(attempt)).toEqual({ code: "ECONNRESET" });
      await poolStillWorks();
    });
  }

  it("does not hand the terminated backend's error to the next transaction, nor lose its connection", async () => {
    database = openPostgres(process.env.DATABASE_URL!, { max: 1 });
    const [{ pid }] = (await rows<{ pid: number }>(database.db, sql`select pg_backend_pid() as pid`)) as [
      { pid: number },
    ];
    const sleeping = rows(database.db, sql`select pg_sleep(5)`);
    await sleep(200);
    await admin`select pg_terminate_backend(${pid})`;
    expect(await outcome(sleeping)).toEqual({ code: "CONNECTION_CLOSED" });
    expect(
      await outcome(database.db.transaction(async (tx) => (await rows<{ n: number }>(tx, sql`select 4 as n`))[0]!.n)),
    ).toEqual({ value: 4 });
    await poolStillWorks();
  });
});

/** A TCP proxy in front of PostgreSQL whose `reset()` ends every client connection with a RST. */
async function startProxy(target: URL) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    for (const socket of [client, upstream]) socket.on("error", () => {});
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = new URL(target);
  url.hostname = "127.0.0.1";
  url.port = String((server.address() as { port: number }).port);
  return {
    url: url.toString(),
    reset() {
      for (const socket of sockets) socket.resetAndDestroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
