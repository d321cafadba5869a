import { afterAll, beforeAll } from "vitest";
import { createApiKey } from "../lib/api/keys";
import { useFreshDatabase, type TestDatabase } from "./db";
import { createMerchant, createSku } from "./fixtures";
import { appRoutes, serveRoutes } from "./http";

/**
 * A file's /api/v1 under test: a fresh database with these shops (name → slug), each with the same
 * SKUs and an API key, and the routes served over HTTP. Filled in by beforeAll, closed by afterAll.
 */
export function apiTestbed<Name extends string>(shops: Record<Name, string>, skus: Parameters<typeof createSku>[2][]) {
  let database: TestDatabase | undefined;
  let server: { url: string; close: () => Promise<void> } | undefined;
  const bed = {
    keys: {} as Record<Name, string>,
    merchantIds: {} as Record<Name, string>,
    get db() {
      if (!database) throw new Error("The API's database opens in beforeAll: use it inside a test or a hook.");
      return database.db;
    },
    get url() {
      if (!server) throw new Error("The API is served from beforeAll: call it inside a test or a hook.");
      return server.url;
    },
  };
  beforeAll(async () => {
    database = await useFreshDatabase();
    for (const [name, slug] of Object.entries(shops) as [Name, string][]) {
      const merchant = await createMerchant(database.db, { slug });
      bed.merchantIds[name] = merchant.id;
      for (const sku of skus) await createSku(database.db, merchant.id, sku);
      bed.keys[name] = (await createApiKey(database.db, { merchantSlug: slug, name: "test" })).key;
    }
    server = await serveRoutes(await appRoutes("api/v1"));
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });
  return bed;
}
