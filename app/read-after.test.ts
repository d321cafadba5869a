import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createMerchant, createSku, day, placeOrder } from "@/testing/fixtures";
import { replicasUnavailable, routerCaughtUp, startReplicatedSchema, type ReplicatedSchema } from "@/testing/replica";
import { database } from "@/lib/db/client";
import { checkReplicas, readAfterCookie, readRouting } from "@/lib/db/reads";
import { resetEnvCache } from "@/lib/env";
import { shopperOrderView } from "@/lib/orders/view";
import { authAdapter } from "@/lib/auth/adapter";
import { pageReads } from "@/components/shopper-page";
import type { GetServerSidePropsContext } from "next";

// The shopper's own cancel through the app's wiring, on a real streaming replica: the order page's
// cancel action (app/callers.ts leaves the commit position in the read_after cookie), then the
// reads the order page makes on reload (pageReads), with the replica's replay paused. The app's
// database is configured the way a deployment is: DATABASE_URL and DATABASE_READ_URL. Its own
// primary and replica, on REPLICA_TEST_PORT + 2 and + 3 (lib/db/replica.test.ts has the first two).

// The browser's cookies: what the form post's handler reads and sets (next/headers outside a request).
const jar = new Map<string, string>();
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name)! } : undefined),
    getAll: () => [...jar].map(([name, value]) => ({ name, value })),
    set: (name: string, value: string) => void jar.set(name, value),
  }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
// app/callers.ts also wraps the console's actions, whose guard imports Auth.js (which needs Next's
// runtime); the shopper's own cancel reads the session cookie above, not this.
vi.mock("@/auth", () => ({ currentEmail: async () => null, auth: async () => null }));

const primaryPort = Number(process.env.REPLICA_TEST_PORT ?? 5460) + 2;
const unavailable = replicasUnavailable();

if (unavailable) console.warn(`app/read-after.test.ts skipped: ${unavailable}.`);

describe.skipIf(unavailable !== null)("a shopper's cancel, then a reload, on a paused replica", () => {
  let replicated: ReplicatedSchema;
  let replicaUrl: string;

  const saved = {
    DATABASE_URL: process.env.DATABASE_URL,
    DATABASE_READ_URL: process.env.DATABASE_READ_URL,
    DB_READ_MAX_LAG_MS: process.env.DB_READ_MAX_LAG_MS,
  };

  beforeAll(async () => {
    replicated = await startReplicatedSchema(primaryPort, "backorder_app");
    replicaUrl = replicated.replicaUrl;
    process.env.DATABASE_URL = replicated.primary.url;
    process.env.DATABASE_READ_URL = replicaUrl;
    process.env.DB_READ_MAX_LAG_MS = "5000";
    resetEnvCache();
  }, 180_000);

  afterAll(async () => {
    await database().close();
    await replicated?.remove();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    resetEnvCache();
  });

  it("shows the cancel to the shopper who made it, and only they skip the replica", async () => {
    const { cancelAction } = await import("./orders/[orderId]/actions");
    const app = database();
    expect(app.replicas).toHaveLength(1);
    const m = await createMerchant(app.db);
    await createSku(app.db, m.id, { code: "TENT" });
    const email = "own-cancel@shopper.example";
    const placed = await placeOrder(app.db, m.id, "#RA1", [{ sku: "TENT", quantity: 1 }], day(0), email);
    await routerCaughtUp(app, replicated.primary.url, [replicaUrl]);

    // The order page's reads (pages/orders/[orderId].tsx), and which database answered them.
    const reload = async () => {
      const before = readRouting(app).served.replica;
      const context = { req: { cookies: Object.fromEntries(jar) } } as unknown as GetServerSidePropsContext;
      const read = pageReads(context);
      const view = await read((db) => shopperOrderView(db, { orderId: placed.orderId, email }));
      return { status: view!.lines[0]!.status, on: readRouting(app).served.replica > before ? "replica" : "primary" };
    };
    // Signed in as Auth.js leaves it: a user, a database session, its token in the cookie.
    const adapter = authAdapter(app.db);
    const user = await adapter.createUser!({ id: crypto.randomUUID(), email, emailVerified: new Date() });
    const session = await adapter.createSession!({
      sessionToken: crypto.randomUUID(),
      userId: user.id,
      expires: new Date(Date.now() + 86_400_000 * 30),
    });
    jar.set("authjs.session-token", session.sessionToken);
    expect(await reload()).toEqual({ status: "backordered", on: "replica" });

    await replicated.replica.pauseReplay();
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
      jar.delete(readAfterCookie);
      expect(await reload()).toEqual({ status: "backordered", on: "replica" });
      jar.set(readAfterCookie, own);
    } finally {
      await replicated.replica.resumeReplay();
    }
    await routerCaughtUp(app, replicated.primary.url, [replicaUrl]);
    expect(await reload()).toEqual({ status: "cancelled", on: "replica" });
  });
});
