import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createMerchant, createSku, day, placeOrder } from "@/testing/fixtures";
import {
  caughtUp,
  replicasUnavailable,
  routerCaughtUp,
  startPrimary,
  startReplica,
  type TestPrimary,
  type TestReplica,
} from "@/testing/replica";
import { database, openPostgres } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { checkReplicas, readAfterCookie, readRouting } from "@/lib/db/reads";
import { resetEnvCache } from "@/lib/env";
import { shopperOrderView } from "@/lib/orders/view";

// The shopper's own cancel through the app's wiring, on a real streaming replica: the order page's
// cancel action (app/callers.ts leaves the commit position in the read_after cookie), then the
// reads the order page makes on reload (callerReads), with the replica's replay paused. The app's
// database is configured the way a deployment is: DATABASE_URL and DATABASE_READ_URL. Its own
// primary and replica, on REPLICA_TEST_PORT + 2 and + 3 (lib/db/replica.test.ts has the first two).

const jar = new Map<string, string>();
let signedInAs = "";
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name)! } : undefined),
    set: (name: string, value: string) => void jar.set(name, value),
  }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("@/auth", () => ({ currentEmail: async () => signedInAs }));

const primaryPort = Number(process.env.REPLICA_TEST_PORT ?? 5460) + 2;
const unavailable = replicasUnavailable();

if (unavailable) console.warn(`app/read-after.test.ts skipped: ${unavailable}.`);

describe.skipIf(unavailable !== null)("a shopper's cancel, then a reload, on a paused replica", () => {
  let primary: TestPrimary;
  let replica: TestReplica;
  let replicaUrl: string;

  const saved = {
    DATABASE_URL: process.env.DATABASE_URL,
    DATABASE_READ_URL: process.env.DATABASE_READ_URL,
    DB_READ_MAX_LAG_MS: process.env.DB_READ_MAX_LAG_MS,
  };

  beforeAll(async () => {
    primary = await startPrimary(primaryPort, "backorder_app", async (url) => {
      const migrating = openPostgres(url, { max: 2 });
      try {
        await migrate(migrating);
      } finally {
        await migrating.close();
      }
    });
    replica = await startReplica(primary.url, primaryPort + 1);
    replicaUrl = replica.url("backorder_app");
    process.env.DATABASE_URL = primary.url;
    process.env.DATABASE_READ_URL = replicaUrl;
    process.env.DB_READ_MAX_LAG_MS = "5000";
    resetEnvCache();
    await caughtUp(primary.url, replicaUrl);
  }, 180_000);

  afterAll(async () => {
    await database().close();
    await replica?.remove();
    await primary?.remove();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    resetEnvCache();
  });

  it("shows the cancel to the shopper who made it, and only they skip the replica", async () => {
    const { cancelAction } = await import("./orders/[orderId]/actions");
    const { callerReads } = await import("./read-after");
    const app = database();
    expect(app.replicas).toHaveLength(1);
    const m = await createMerchant(app.db);
    await createSku(app.db, m.id, { code: "TENT" });
    const email = "own-cancel@shopper.example";
    const placed = await placeOrder(app.db, m.id, "#RA1", [{ sku: "TENT", quantity: 1 }], day(0), email);
    await routerCaughtUp(app, primary.url, [replicaUrl]);

    // The order page's reads (app/orders/[orderId]/page.tsx), and which database answered them.
    const reload = async () => {
      const before = readRouting(app).served.replica;
      const read = await callerReads();
      const view = await read((db) => shopperOrderView(db, { orderId: placed.orderId, email }));
      return { status: view!.lines[0]!.status, on: readRouting(app).served.replica > before ? "replica" : "primary" };
    };
    signedInAs = email;
    expect(await reload()).toEqual({ status: "backordered", on: "replica" });

    await replica.pauseReplay();
    try {
      const form = new FormData();
      form.set("orderId", placed.orderId);
      form.set("lineId", String(placed.lines[0]!.id));
      const result = await cancelAction(null, form);
      expect(result).toMatchObject({ ok: true });
      expect(jar.get(readAfterCookie)).toBeTruthy();
      await checkReplicas(app);
      expect(readRouting(app).replicas[0]).toMatchObject({ usable: true });

      expect(await reload()).toEqual({ status: "cancelled", on: "primary" });
      // Another browser, without the cookie: the replica, a moment behind.
      const own = jar.get(readAfterCookie)!;
      jar.clear();
      expect(await reload()).toEqual({ status: "backordered", on: "replica" });
      jar.set(readAfterCookie, own);
    } finally {
      await replica.resumeReplay();
    }
    await routerCaughtUp(app, primary.url, [replicaUrl]);
    expect(await reload()).toEqual({ status: "cancelled", on: "replica" });
  });
});
