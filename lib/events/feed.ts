import { sql } from "drizzle-orm";
import { rows, type DbOrTx } from "../db/client";
import { DomainError } from "../errors";
import { decodeCursor, encodeCursor } from "../api/cursor";
import { isPublicEventType, publicEventTypes, type PublicEvent } from "./catalogue";

// The merchant's events for systems that poll, or replay after an outage (GET /api/v1/events).
//
// Ids are drawn in the order rows are inserted, not in the order their transactions commit: a
// transaction that took seq 10 can commit after one that took seq 11, so a reader paging by seq
// alone could pass 11 while 10 is still invisible, and never see 10. So pages follow
// `published_transactions.position` instead: a deferred trigger numbers each publishing
// transaction at its commit, under the merchant's lock (migration 0013), so a transaction is
// numbered only after the previous one has committed, and a reader that sees number n sees all
// below it. Within a transaction, events keep their seq order; the cursor is (position, seq).
// Writers of one merchant wait on each other only for the moment of their commits.

export type FeedPage = { events: PublicEvent[]; next: string | null; hasMore: boolean };

const numberPattern = /^\d{1,19}$/;

/** Event types from `types=a,b`: every one must be in the catalogue. */
export function parseTypes(value: string | null): string[] | null {
  if (value === null || value.trim() === "") return null;
  const types = value.split(",").map((t) => t.trim());
  const unknown = types.find((t) => !isPublicEventType(t));
  if (unknown !== undefined)
    throw new DomainError(
      "invalid",
      `types: ${unknown} is not an event type; choose from ${publicEventTypes.join(", ")}.`,
      "types",
    );
  return types;
}

/** A page of the merchant's events after `after` (from the first one without it), oldest first. */
export async function eventFeed(
  db: DbOrTx,
  params: { merchantId: string; after: string | null; types: readonly string[] | null; limit: number },
): Promise<FeedPage> {
  let cursor: [string, string] = ["0", "0"];
  if (params.after) {
    const [position, seq] = decodeCursor(params.after, 2);
    if (!numberPattern.test(position!) || !numberPattern.test(seq!))
      throw new DomainError("invalid", "after is not a cursor this API gave out.", "after");
    cursor = [position!, seq!];
  }
  const found = await rows<{ position: string; seq: string; payload: string }>(
    db,
    sql`select t.position::text as position, e.seq::text as seq, e.payload::text as payload
        from published_transactions t
        join published_events e on e.txid = t.txid and e.merchant_id = t.merchant_id
        where t.merchant_id = ${params.merchantId}::uuid
          and (t.position, e.seq) > (${cursor[0]}::bigint, ${cursor[1]}::bigint)
          ${params.types ? sql`and e.type = any(string_to_array(${params.types.join(",")}, ','))` : sql``}
        order by t.position, e.seq
        limit ${params.limit + 1}`,
  );
  const page = found.slice(0, params.limit);
  const last = page.at(-1);
  return {
    events: page.map((r) => JSON.parse(r.payload) as PublicEvent),
    next: last ? encodeCursor([last.position, last.seq]) : (params.after ?? null),
    hasMore: found.length > params.limit,
  };
}
