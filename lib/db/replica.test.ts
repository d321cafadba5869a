import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createMerchant, createSku, day, placeOrder } from "../../testing/fixtures";
import {
  replicasUnavailable,
  routerCaughtUp,
  startReplicatedSchema,
  type ReplicatedSchema,
} from "../../testing/replica";
import { resetEnvCache } from "../env";
import { lookupOrder } from "../orders/lookup";
import { cancelLines } from "../orders/cancel";
import { shopperOrderView } from "../orders/view";
import { openPostgres, type Database } from "./client";
import {
  checkReplicas,
  commitPosition,
  readAfterCookie,
  readAfterPosition,
  readAfterToken,
  readRouting,
  reads,
  readsForCookieHeader,
} from "./reads";

// The drill on a real streaming replica, on PGlite runs and PostgreSQL runs alike: a primary of the
// test's own (initdb) and a replica of it (pg_basebackup -R), each on a port of its own
// (REPLICA_TEST_PORT and the next one), started and removed here. The PostgreSQL under DATABASE_URL
// is not used. Without the PostgreSQL binaries the file says so and skips.

const primaryPort = Number(process.env.REPLICA_TEST_PORT ?? 5460);
const maxLagMs = 1500;
const unavailable = replicasUnavailable();

if (unavailable) console.warn(`lib/db/replica.test.ts skipped: ${unavailable}.`);

describe.skipIf(unavailable !== null)("reads on a streaming replica", () => {
  let replicated: ReplicatedSchema;
  let database: Database;
  let primaryUrl: string;
  let replicaUrl: string;

  beforeAll(async () => {
    replicated = await startReplicatedSchema(primaryPort, "backorder_replica");
    replicaUrl = replicated.replicaUrl;
    primaryUrl = replicated.primary.url;
    process.env.DB_READ_MAX_LAG_MS = String(maxLagMs);
    resetEnvCache();
    database = openPostgres(primaryUrl, { max: 5, readUrls: [replicaUrl] });
  }, 180_000);

  afterAll(async () => {
    await database?.close();
    await replicated?.remove();
    delete process.env.DB_READ_MAX_LAG_MS;
    resetEnvCache();
  });

  let orderCounter = 0;
  async function anOrder() {
    const m = await createMerchant(database.db);
    await createSku(database.db, m.id, { code: "TENT" });
    const number = `#R${++orderCounter}`;
    const email = `r${orderCounter}@shopper.example`;
    const placed = await placeOrder(database.db, m.id, number, [{ sku: "TENT", quantity: 1 }], day(0), email);
    await routerCaughtUp(database, primaryUrl, [replicaUrl]);
    return { merchantId: m.id, orderId: placed.orderId, lineId: placed.lines[0]!.id, number, email };
  }

  /** The shopper cancels their order's line on day 1, on the primary. */
  async function shopperCancels(order: Awaited<ReturnType<typeof anOrder>>) {
    await cancelLines(database.db, {
      merchantId: order.merchantId,
      orderId: order.orderId,
      lineIds: [order.lineId],
      actor: { type: "shopper", id: order.email },
      now: day(1),
    });
  }

  /** Which database answered `work` (by the router's counts), and what it answered. */
  async function served<T>(read: ReturnType<typeof reads>, work: Parameters<typeof read<T>>[0]) {
    const before = readRouting(database).served;
    const result = await read(work);
    const after = readRouting(database).served;
    return { result, on: after.replica > before.replica ? "replica" : "primary" };
  }

  const statusOf = async (read: ReturnType<typeof reads>, order: { orderId: string; email: string }) => {
    const { result, on } = await served(read, (db) => shopperOrderView(db, order));
    return { status: result!.lines[0]!.status, on };
  };

  it("a cancel then a reload shows the cancel while the replica's replay is paused; others read the replica", async () => {
    const order = await anOrder();
    await checkReplicas(database);
    expect(await statusOf(reads(null, database), order)).toEqual({ status: "backordered", on: "replica" });

    await replicated.replica.pauseReplay();
    try {
      await shopperCancels(order);
      // What the shopper's action leaves in its cookie, and the reload reads back.
      const cookie = readAfterToken((await commitPosition(database))!);
      await checkReplicas(database);
      expect(readRouting(database).replicas[0]).toMatchObject({ usable: true });

      expect(await statusOf(reads(readAfterPosition(cookie), database), order)).toEqual({
        status: "cancelled",
        on: "primary",
      });
      // The same cookie as a route handler (lookup, support search) gets it, among others.
      const header = `theme=dark; ${readAfterCookie}=${encodeURIComponent(cookie)}`;
      expect(await statusOf(readsForCookieHeader(header, database), order)).toEqual({
        status: "cancelled",
        on: "primary",
      });
      // Someone who did not act reads the replica, a moment behind: the stale read the lag bound allows.
      expect(await statusOf(reads(null, database), order)).toEqual({ status: "backordered", on: "replica" });
    } finally {
      await replicated.replica.resumeReplay();
    }
    await routerCaughtUp(database, primaryUrl, [replicaUrl]);
    const cookie = readAfterToken((await commitPosition(database))!);
    expect(await statusOf(reads(readAfterPosition(cookie), database), order)).toEqual({
      status: "cancelled",
      on: "replica",
    });
  });

  it("a paused replica's growing lag sends reads to the primary, and it rejoins once it catches up", async () => {
    const order = await anOrder();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await replicated.replica.pauseReplay();
    try {
      await checkReplicas(database);
      expect(readRouting(database).replicas[0]).toMatchObject({ usable: true });
      await shopperCancels(order);
      await checkReplicas(database);
      await new Promise((resolve) => setTimeout(resolve, maxLagMs + 300));
      await checkReplicas(database);
      const [health] = readRouting(database).replicas;
      expect(health).toMatchObject({ usable: false, reason: expect.stringMatching(/^\d+ ms behind$/) });
      expect(health!.lagMs).toBeGreaterThan(maxLagMs);
      // Nobody's own write is involved: the lag alone keeps this read off the replica.
      expect(await statusOf(reads(null, database), order)).toEqual({ status: "cancelled", on: "primary" });
      const lookup = await lookupOrder(
        database.db,
        { number: order.number, email: order.email, ip: "198.51.100.7" },
        day(1),
        reads(null, database),
      );
      expect(lookup).toMatchObject({ kind: "found", orders: [{ orderId: order.orderId }] });
    } finally {
      await replicated.replica.resumeReplay();
    }
    await routerCaughtUp(database, primaryUrl, [replicaUrl]);
    expect(readRouting(database).replicas[0]).toMatchObject({ usable: true, reason: null });
    expect(await statusOf(reads(null, database), order)).toEqual({ status: "cancelled", on: "replica" });
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
      expect.stringMatching(
        /^Read replica 127\.0\.0\.1:\d+\/\w+ skipped \(\d+ ms behind\); reads go to the primary\.$/,
      ),
      expect.stringMatching(/^Read replica 127\.0\.0\.1:\d+\/\w+ is back \(\d+ ms behind\); reads go to it again\.$/),
    ]);
    warn.mockRestore();
  });

  it("a stopped replica sends reads to the primary without an error, and it rejoins once started again", async () => {
    const order = await anOrder();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await checkReplicas(database);
    expect(await statusOf(reads(null, database), order)).toEqual({ status: "backordered", on: "replica" });
    await replicated.replica.stop();
    try {
      // The router still thinks the replica is fine: the read fails there and runs again on the primary.
      expect(await statusOf(reads(null, database), order)).toEqual({ status: "backordered", on: "primary" });
      expect(readRouting(database).replicas[0]).toMatchObject({
        usable: false,
        reason: expect.stringMatching(/^down: /),
      });
      await checkReplicas(database);
      expect(readRouting(database).replicas[0]).toMatchObject({
        usable: false,
        reason: expect.stringMatching(/^down: /),
      });
      // Many reads at once while it is down: all answered, all by the primary.
      const views = await Promise.all(Array.from({ length: 20 }, () => statusOf(reads(null, database), order)));
      expect(new Set(views.map((v) => `${v.status} on ${v.on}`))).toEqual(new Set(["backordered on primary"]));
    } finally {
      await replicated.replica.start();
    }
    await routerCaughtUp(database, primaryUrl, [replicaUrl]);
    expect(readRouting(database).replicas[0]).toMatchObject({ usable: true });
    expect(await statusOf(reads(null, database), order)).toEqual({ status: "backordered", on: "replica" });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/skipped \(down: /));
    warn.mockRestore();
  });
});
