// npm run bench:search [-- --db backorder_bench] — support search on the big database from
// `npm run bench:data -- --orders 1000000`: p50 / p99 per kind of query, for an admin (all
// 20 shops) and an agent of one shop, next to a primary-key lookup as the floor.
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { openPostgres, rows } from "../lib/db/client";
import type { AgentScope } from "../lib/support/access";
import { searchOrders } from "../lib/support/search";
import { databaseUrl, fmt, percentile, prewarm, report, table } from "./lib";

const { values } = parseArgs({
  options: { db: { type: "string", default: "backorder_bench" }, queries: { type: "string", default: "200" } },
});
const perKind = Number(values.queries);

async function main() {
  process.env.MAIL_TRANSPORT ??= "mailbox";
  process.env.MAILBOX_TOKEN ??= "bench-mailbox-token-bench-mailbox-token";
  const database = openPostgres(databaseUrl(values.db!), { max: 4 });
  const { db } = database;
  await prewarm(db);
  const [{ orders }] = (await rows<{ orders: number }>(db, sql`select count(*)::int as orders from orders`)) as [
    { orders: number },
  ];
  if (orders < 1000) throw new Error(`Run npm run bench:data first (${values.db} has ${orders} orders).`);
  const [shop] = await rows<{ id: string }>(db, sql`select id from merchants order by slug limit 1`);
  const admin: AgentScope = { agentId: "bench", email: "admin@bench", name: null, role: "admin", merchantIds: null };
  const agent: AgentScope = {
    agentId: "bench",
    email: "agent@bench",
    name: null,
    role: "agent",
    merchantIds: [shop!.id],
  };

  const sample = await rows<{
    id: string;
    number: string;
    email: string;
    customer_name: string;
    tracking: string | null;
    sku: string;
  }>(
    db,
    sql`select o.id, o.number, o.email, o.customer_name, s.tracking_number as tracking,
               (select l.sku_code from order_lines l where l.order_id = o.id limit 1) as sku
        from orders o tablesample bernoulli (1) left join shipments s on s.order_id = o.id
        -- Orders the generator made (bench:load adds nameless ones through the API).
        where o.customer_name like '% %'
        order by md5(o.id::text) limit ${perKind}`,
  );
  const fold = (name: string) =>
    name
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase();
  const kinds: [string, (r: (typeof sample)[number]) => string][] = [
    ["order number (#100123)", (r) => r.number],
    ["order number prefix, no # (10012)", (r) => r.number.slice(1, 6)],
    ["email prefix (shopper1234@)", (r) => r.email.slice(0, r.email.indexOf("@") + 1)],
    [
      "partial name, two words (mat nov)",
      (r) => {
        const [f, l] = fold(r.customer_name).split(" ");
        return `${f!.slice(0, 3)} ${l!.slice(0, 4)}`;
      },
    ],
    ["partial name, one common word (mate)", (r) => fold(r.customer_name).split(" ")[0]!.slice(0, 4)],
    ["SKU (S3-104-2)", (r) => r.sku.toLowerCase()],
    ["tracking number prefix (1Z8F3A…)", (r) => (r.tracking ?? "1Z0000").slice(0, 10)],
  ];

  const measure = async (scope: AgentScope, make: (r: (typeof sample)[number]) => string) => {
    for (const r of sample.slice(0, 20)) await searchOrders(db, scope, make(r)); // warm-up
    const times: number[] = [];
    for (const r of sample) {
      const started = performance.now();
      await searchOrders(db, scope, make(r));
      times.push(performance.now() - started);
    }
    return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
  };

  const floor: number[] = [];
  for (const r of sample) {
    const started = performance.now();
    await db.execute(sql`select * from orders where id = ${r.id}`);
    floor.push(performance.now() - started);
  }
  const floorP50 = percentile(floor, 0.5);
  const out: (string | number)[][] = [];
  for (const [label, make] of kinds) {
    for (const [who, scope] of [
      ["admin, 20 shops", admin],
      ["agent, 1 shop", agent],
    ] as const) {
      const m = await measure(scope, make);
      out.push([label, who, fmt(m.p50), fmt(m.p99), `${(m.p50 / floorP50).toFixed(1)}×`]);
    }
  }
  report(`Support search on ${orders.toLocaleString("en-US")} orders, ${sample.length} queries per row:\n`);
  report(table(["query", "scope", "p50", "p99", "p50 vs floor"], out));
  report(`\nFloor (order by primary key): p50 ${fmt(floorP50)}, p99 ${fmt(percentile(floor, 0.99))}.`);
  await database.close();
}

await main();
