import { sql, type SQL } from "drizzle-orm";
import { rows, type DbOrTx } from "../db/client";
import { transaction } from "../db/transaction";
import { uuidArray } from "../db/sql-helpers";
import { isStorableText } from "../security/text";
import type { AgentScope } from "./access";
import { sqlStatuses, waitingStatuses } from "../orders/line-status";

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
  // A name search is planned for the words typed. A prepared statement's generic plan (which
  // PostgreSQL settles on after five runs) cannot know a word is absent from the shop: probing
  // the name index for "kofi" became a read of the shop's 50,000 orders, 40-60 ms instead of 1.
  // (The transaction costs ~2 ms, so lookups by number, email, SKU or tracking go without.)
  if (!kinds.includes("name")) return searchIn(db, scope, q, kinds, limit);
  return transaction(db, async (tx) => {
    await tx.execute(sql`set local plan_cache_mode = force_custom_plan`);
    return searchIn(tx, scope, q, kinds, limit);
  });
}

async function searchIn(
  db: DbOrTx,
  scope: AgentScope,
  q: string,
  kinds: SearchKind[],
  limit: number,
): Promise<SearchHit[]> {
  const merchantFilter = (column: SQL) =>
    scope.merchantIds === null
      ? sql`true`
      : scope.merchantIds.length === 0
        ? sql`false`
        : sql`${column} = any(${uuidArray(scope.merchantIds)})`;
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
  const chosen = [...best.values()]
    .sort((a, b) => Number(a.rank) - Number(b.rank) || String(b.at).localeCompare(String(a.at)))
    .slice(0, limit);
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
           (select count(*)::int from order_lines l where l.order_id = o.id and l.status in ${sqlStatuses(waitingStatuses)}) as waiting_count
    from orders o join merchants m on m.id = o.merchant_id
    where o.id = any(${uuidArray(chosen.map((c) => c.id))})`,
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
 * Names containing every typed word (case and accent insensitive), newest first. All shops (an
 * admin) are searched as one scope, an agent's shops one by one (so the indexes on merchant and
 * name or date serve each), each in up to three steps whose cost does not grow with the database:
 *
 * 1. The newest orders (4,000 across all shops, whose rows lie together; 250 of one shop, whose
 *    rows are spread through the table). A common word or pair ("maya", "ren bren") has its 20
 *    newest matches there, and then they are the answer: a few ms, where the trigram probe of a
 *    word in half a shop's names takes 25-40 ms.
 * 2. A trigram probe for at most 1,001 matches (5,001 across all shops). Up to that many are
 *    sorted: the answer.
 * 3. More than that: the orders walked newest first until 20 match, which with that many matches
 *    is soon (fetching and sorting n matches costs about n rows, the walk about 20·N/n).
 */
async function nameHits(db: DbOrTx, q: string, merchantIds: string[] | null, limit: number) {
  const words = q
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .slice(0, 5);
  const matches = sql.join(
    words.map((w) => sql`o.customer_name_search like '%' || search_normalize(${likeEscape(w)}) || '%'`),
    sql` and `,
  );
  const hit = sql`o.id, 'name' as kind, o.customer_name as value, o.placed_at::text as at, 3 as rank`;
  const newest = (found: Hit[]) => found.sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit);

  const inScope = async (shop: string | null): Promise<Hit[]> => {
    const scope = shop === null ? sql`true` : sql`o.merchant_id = ${shop}::uuid`;
    // The scope's orders newest first, read lazily (up to `first` of them). OFFSET 0 keeps the
    // name condition out of the inner query, so PostgreSQL cannot plan it as fetching and sorting
    // every match, which it chose when it took two common words for rare ones (520 ms). The outer
    // query has no ORDER BY on purpose: with one, the inner query is planned to read every order
    // in scope. PostgreSQL keeps the inner order through the filter and the limit; callers sort.
    const walk = (first?: number) =>
      rows<Hit>(
        db,
        sql`select ${hit} from (select id, customer_name, customer_name_search, placed_at from orders o where ${scope}
                                order by o.placed_at desc ${first ? sql`limit ${sql.raw(String(first))}` : sql`offset 0`}) o
            where ${matches} limit ${limit}`,
      );
    const recent = await walk(shop === null ? 4000 : 250);
    if (recent.length === limit) return recent;
    const cap = shop === null ? 5000 : 1000;
    const few = await rows<Hit>(db, sql`select ${hit} from orders o where ${scope} and ${matches} limit ${cap + 1}`);
    if (few.length <= cap) return newest(few);
    return newest(await walk());
  };

  if (merchantIds === null) return inScope(null);
  const found: Hit[] = [];
  for (const shop of merchantIds) found.push(...(await inScope(shop)));
  return newest(found);
}
