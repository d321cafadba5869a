import { sql, type SQL } from "drizzle-orm";
import { rows, type DbOrTx } from "../db/client";
import { uuidArray } from "../db/sql-helpers";
import { isStorableText } from "../security/text";
import type { AgentScope } from "./access";

export type SearchKind = "number" | "email" | "name" | "sku" | "tracking";
export type SearchHit = {
  orderId: string;
  number: string;
  merchantName: string;
  brandColor: string;
  customerName: string | null;
  email: string;
  placedAt: string;
  matched: SearchKind;
  matchedValue: string;
  lineCount: number;
  waitingCount: number;
};

/** One match of one kind of search, before the matched orders are loaded. */
type Hit = { id: string; kind: SearchKind; value: string; at: string; rank: number };

const likeEscape = (value: string) => value.replace(/[\\%_]/g, "\\$&");

/** Which kinds of search a query can be, so each keystroke runs only index-backed lookups. */
export function searchKinds(query: string): SearchKind[] {
  const q = query.trim();
  if (q.length < 2) return [];
  const kinds: SearchKind[] = [];
  const token = /^[#\w.-]+$/.test(q);
  if (token && /\d/.test(q)) kinds.push("number");
  if (q.includes("@") || (token && /^[a-z]/i.test(q) && q.length >= 3)) kinds.push("email");
  // Names have no digits; a SKU or tracking number would only cost a name search its misses.
  if (!q.includes("@") && /\p{L}/u.test(q) && !/\d/.test(q) && q.length >= 3) kinds.push("name");
  if (token && !q.startsWith("#") && !q.includes("@")) kinds.push("sku");
  if (token && !q.startsWith("#") && !q.includes("@") && q.length >= 4) kinds.push("tracking");
  return kinds;
}

/**
 * Orders an agent may see matching a query: order number (with or without #), email, customer
 * name (partial, case and accent insensitive), SKU or tracking number. Every branch is an index
 * lookup limited to the agent's merchants; the newest matches come first.
 */
export async function searchOrders(db: DbOrTx, scope: AgentScope, query: string, limit = 20): Promise<SearchHit[]> {
  const q = query.trim().slice(0, 100);
  const kinds = searchKinds(q);
  // Nothing stored can contain a NUL (PostgreSQL refuses it in the query too).
  if (kinds.length === 0 || !isStorableText(q)) return [];
  const merchantFilter = (column: SQL) =>
    scope.merchantIds === null ? sql`true` : scope.merchantIds.length === 0 ? sql`false` : sql`${column} = any(${`{${scope.merchantIds.join(",")}}`}::uuid[])`;
  const prefix = `${likeEscape(q.replace(/^#/, ""))}%`;
  const branches: SQL[] = [];
  if (kinds.includes("number")) {
    branches.push(sql`(select o.id as id, 'number' as kind, o.number as value, o.placed_at::text as at, 1 as rank from orders o
      where (o.number like ${prefix} or o.number like ${`#${prefix}`}) and ${merchantFilter(sql`o.merchant_id`)}
      order by o.placed_at desc limit ${limit})`);
  }
  if (kinds.includes("email")) {
    branches.push(sql`(select o.id as id, 'email' as kind, o.email as value, o.placed_at::text as at, 2 as rank from orders o
      where o.email like ${`${likeEscape(q.toLowerCase())}%`} and ${merchantFilter(sql`o.merchant_id`)}
      order by o.placed_at desc limit ${limit})`);
  }
  if (kinds.includes("sku")) {
    branches.push(sql`(select l.order_id as id, 'sku' as kind, l.sku_code as value, l.placed_at::text as at, 4 as rank from order_lines l
      where l.sku_code like ${`${likeEscape(q.toUpperCase())}%`} and ${merchantFilter(sql`l.merchant_id`)}
      order by l.placed_at desc limit ${limit})`);
  }
  if (kinds.includes("tracking")) {
    branches.push(sql`(select s.order_id as id, 'tracking' as kind, s.tracking_number as value, s.shipped_at::text as at, 5 as rank from shipments s
      where s.tracking_number like ${`${likeEscape(q.toUpperCase())}%`} and ${merchantFilter(sql`s.merchant_id`)}
      order by s.shipped_at desc limit ${limit})`);
  }
  const found: Hit[] = [];
  if (branches.length > 0) found.push(...(await rows<Hit>(db, sql`${sql.join(branches, sql` union all `)}`)));
  if (kinds.includes("name")) found.push(...(await nameHits(db, q, scope.merchantIds, limit)));
  // The best kind of match per order, then the newest orders first.
  const best = new Map<string, Hit>();
  for (const hit of found) {
    const seen = best.get(hit.id);
    if (!seen || Number(hit.rank) < Number(seen.rank)) best.set(hit.id, hit);
  }
  const chosen = [...best.values()].sort((a, b) => Number(a.rank) - Number(b.rank) || String(b.at).localeCompare(String(a.at))).slice(0, limit);
  if (chosen.length === 0) return [];
  const result = await rows<{
    id: string;
    number: string;
    merchant_name: string;
    brand_color: string;
    customer_name: string | null;
    email: string;
    placed_at: string;
    line_count: number;
    waiting_count: number;
  }>(
    db,
    sql`select o.id, o.number, m.name as merchant_name, m.brand_color, o.customer_name, o.email, o.placed_at::text,
           (select count(*)::int from order_lines l where l.order_id = o.id) as line_count,
           (select count(*)::int from order_lines l where l.order_id = o.id and l.status in ('backordered', 'preorder')) as waiting_count
    from orders o join merchants m on m.id = o.merchant_id
    where o.id = any(${`{${chosen.map((c) => c.id).join(",")}}`}::uuid[])`,
  );
  const byId = new Map(result.map((r) => [r.id, r]));
  return chosen
    .filter((c) => byId.has(c.id))
    .map((c) => {
      const r = byId.get(c.id)!;
      return {
        orderId: r.id,
        number: r.number,
        merchantName: r.merchant_name,
        brandColor: r.brand_color,
        customerName: r.customer_name,
        email: r.email,
        placedAt: r.placed_at,
        matched: c.kind,
        matchedValue: c.value,
        lineCount: Number(r.line_count),
        waitingCount: Number(r.waiting_count),
      };
    });
}

/**
 * Names containing every typed word (case and accent insensitive), newest first, in three steps,
 * each an index walk or probe whose cost does not grow with the database:
 *
 * 1. All shops (an admin): the newest 4,000 orders. A common word or pair ("mate", "ren bren")
 *    has its 20 newest matches there, and then they are the answer.
 * 2. A trigram probe for at most 1,001 matches in scope (5,001 for an admin; for an agent, per
 *    shop, through the index on merchant and name together). Up to that many are sorted: the answer.
 * 3. A common word with more: orders walked newest first (per shop for an agent) until 20 match.
 */
async function nameHits(db: DbOrTx, q: string, merchantIds: string[] | null, limit: number) {
  const words = q.split(/\s+/).filter((w) => w.length > 0).slice(0, 5);
  const matching = (name: SQL) => sql.join(words.map((w) => sql`${name} like '%' || search_normalize(${likeEscape(w)}) || '%'`), sql` and `);
  const matches = matching(sql`o.customer_name_search`);
  // The walk reads orders newest first and stops at the limit. Its condition is written so no index
  // matches it: with the name's trigram index in reach, the generic plan PostgreSQL settles on for
  // the prepared statement (the words unknown) fetched and sorted every match of a common word
  // instead (230 ms for "maya", half a shop's orders, against 1 ms for the walk).
  const walkMatches = matching(sql`(o.customer_name_search || '')`);
  const hit = sql`o.id, 'name' as kind, o.customer_name as value, o.placed_at::text as at, 3 as rank`;
  const newest = (found: Hit[]) => found.sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit);
  if (merchantIds !== null && merchantIds.length === 0) return [];
  // Each shop on its own, so its (merchant_id, ...) indexes serve it; `= any(array)` does not.
  const perShop = (inner: SQL) =>
    merchantIds === null ? inner : sql`select x.* from unnest(${uuidArray(merchantIds)}) as m(id) cross join lateral (${inner}) x`;
  const inScope = merchantIds === null ? sql`true` : sql`o.merchant_id = m.id`;

  if (merchantIds === null) {
    const recent = await rows<Hit>(
      db,
      sql`select ${hit} from (select id, customer_name, customer_name_search, placed_at from orders order by placed_at desc limit 4000) o
          where ${matches} order by o.placed_at desc limit ${limit}`,
    );
    if (recent.length === limit) return recent;
  }
  // Fetching and sorting n matches costs about n rows; the walk about 20·N/n. For one shop the walk
  // is a cheap index scan of its own orders; across all shops it is a walk of the whole orders table
  // (PostgreSQL runs it in parallel, ~100 ms before the first row here), so an admin sorts more.
  const cap = merchantIds === null ? 5000 : 1000;
  const few = await rows<Hit>(db, sql`select * from (${perShop(sql`select ${hit} from orders o where ${inScope} and ${matches} limit ${cap + 1}`)}) f limit ${cap + 1}`);
  if (few.length <= cap) return newest(few);
  return newest(await rows<Hit>(db, perShop(sql`select ${hit} from orders o where ${inScope} and ${walkMatches} order by o.placed_at desc limit ${limit}`)));
}
