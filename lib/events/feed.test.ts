import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transaction } from "../db/transaction";
import { DomainError } from "../errors";
import { onPostgres, useFreshDatabase, type TestDatabase } from "../../testing/db";
import { createMerchant } from "../../testing/fixtures";
import type { PublicEvent } from "./catalogue";
import { eventFeed, parseTypes } from "./feed";
import { newEventId, publish } from "./published";

// GET /api/v1/events as a poller sees it: pages in order, merchant-scoped, filtered by type, and
// (on PostgreSQL, where transactions really overlap) without gaps or repeats while other
// transactions write events and commit in a different order than they took their ids.

let database: TestDatabase;
beforeAll(async () => {
  database = await useFreshDatabase();
});
afterAll(async () => {
  await database?.close();
});

const orderId = "7c0e3c36-6e3e-4f5b-9a07-3c2f1c0b8a11";
function readyEvent(merchantId: string, units: number, type: "line.ready" | "shipment.delivered" = "line.ready") {
  const event = {
    id: newEventId(),
    type,
    timestamp: new Date().toISOString(),
    data: { merchant: "m", order: { id: orderId, number: "#1", externalId: null }, units },
  } as unknown as PublicEvent;
  return { merchantId, orderId, event };
}

async function drain(merchantId: string, options: { after?: string | null; types?: string[]; limit?: number } = {}) {
  const seen: PublicEvent[] = [];
  let after = options.after ?? null;
  for (;;) {
    const page = await eventFeed(database.db, {
      merchantId,
      after,
      types: options.types ?? null,
      limit: options.limit ?? 3,
    });
    seen.push(...page.events);
    after = page.next;
    if (!page.hasMore) return { seen, after };
  }
}

describe("the event feed", () => {
  it("pages oldest first, only the merchant's own, filtered by type; the last cursor resumes where it stopped", async () => {
    const shop = await createMerchant(database.db);
    const other = await createMerchant(database.db);
    const written = [];
    for (let i = 0; i < 7; i++) {
      const publication = readyEvent(shop.id, i, i % 3 === 0 ? "shipment.delivered" : "line.ready");
      written.push(publication.event.id);
      await publish(database.db, [publication, readyEvent(other.id, i)], new Date());
    }
    const { seen, after } = await drain(shop.id);
    expect(seen.map((e) => e.id)).toEqual(written);
    const delivered = await drain(shop.id, { types: ["shipment.delivered"] });
    expect(delivered.seen.map((e) => e.id)).toEqual([written[0], written[3], written[6]]);

    const empty = await eventFeed(database.db, { merchantId: shop.id, after, types: null, limit: 10 });
    expect(empty).toEqual({ events: [], next: after, hasMore: false });
    const later = readyEvent(shop.id, 99);
    await publish(database.db, [later], new Date());
    expect((await drain(shop.id, { after })).seen.map((e) => e.id)).toEqual([later.event.id]);
  });

  it("refuses a cursor it did not give out and a type not in the catalogue, naming the parameter", async () => {
    const shop = await createMerchant(database.db);
    for (const after of [
      "nonsense",
      Buffer.from('["1"]').toString("base64url"),
      Buffer.from('["x","1"]').toString("base64url"),
    ]) {
      const refused = await eventFeed(database.db, { merchantId: shop.id, after, types: null, limit: 10 }).catch(
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(DomainError);
      expect(refused).toMatchObject({ code: "invalid", field: "after" });
    }
    expect(() => parseTypes("line.ready,order.exploded")).toThrow(/order.exploded is not an event type/);
    expect(parseTypes("line.ready, shipment.created")).toEqual(["line.ready", "shipment.created"]);
  });

  it.runIf(onPostgres)(
    "an event whose transaction took its id first but commits last comes after the cursor, not behind it",
    async () => {
      const shop = await createMerchant(database.db);
      const { after: start } = await drain(shop.id);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const early = readyEvent(shop.id, 1);
      const late = readyEvent(shop.id, 2);
      let wrote!: () => void;
      const written = new Promise<void>((resolve) => (wrote = resolve));
      const slow = transaction(database.db, async (tx) => {
        await publish(tx, [early], new Date());
        wrote();
        await held;
      });
      await written;
      await publish(database.db, [late], new Date());
      // `late` has committed, with a higher seq than `early`, which has not: a reader paging by seq
      // would now stand past `early` and never see it.
      const before = await drain(shop.id, { after: start });
      expect(before.seen.map((e) => e.id)).toEqual([late.event.id]);
      release();
      await slow;
      expect((await drain(shop.id, { after: before.after })).seen.map((e) => e.id)).toEqual([early.event.id]);
      expect((await drain(shop.id, { after: start })).seen.map((e) => e.id)).toEqual([late.event.id, early.event.id]);
    },
  );

  it.runIf(onPostgres)(
    "a poller paging while eight writers commit in random order sees every committed event once, and no rolled-back one",
    async () => {
      const shop = await createMerchant(database.db);
      const committed = new Set<string>();
      const rolledBack = new Set<string>();
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const writer = async (w: number) => {
        for (let i = 0; i < 25; i++) {
          const batch = [readyEvent(shop.id, i), readyEvent(shop.id, i)];
          const rollback = (w + i) % 9 === 0;
          await transaction(database.db, async (tx) => {
            await publish(tx, batch, new Date());
            // Hold the transaction open after taking the ids, so commits overtake each other.
            await pause(Math.random() * 15);
            if (rollback) throw new Error("rolled back on purpose");
          }).catch((error: Error) => {
            if (error.message !== "rolled back on purpose") throw error;
          });
          for (const p of batch) (rollback ? rolledBack : committed).add(p.event.id);
        }
      };
      const seen: string[] = [];
      let after: string | null = null;
      let writing = true;
      const poller = (async () => {
        for (;;) {
          const done = !writing;
          const page = await eventFeed(database.db, { merchantId: shop.id, after, types: null, limit: 7 });
          seen.push(...page.events.map((e) => e.id));
          after = page.next;
          if (done && !page.hasMore) return;
          if (!page.hasMore) await pause(2);
        }
      })();
      await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
      writing = false;
      await poller;

      expect(seen.length, "no repeats").toBe(new Set(seen).size);
      expect(seen.filter((id) => rolledBack.has(id))).toEqual([]);
      expect(new Set(seen), "no gaps").toEqual(committed);
      expect(committed.size).toBeGreaterThan(300);
    },
  );
});
