// Where the order page's own time goes, in-process: its reads and its React render of the demo's
// #1128, apart from Next (bench/pages.ts measures whole requests). `npm run bench:render -- --seed`
// seeds the demo into the PostgreSQL database render_lab first; later runs reuse it. React runs in
// production mode (the npm script sets NODE_ENV, as next start does).
import { performance } from "node:perf_hooks";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { sql } from "drizzle-orm";
import { OrderDetails } from "../components/order/order-details";
import { openPostgres, rows } from "../lib/db/client";
import { swapOptionsForOrder } from "../lib/orders/swap";
import { loadOrderView } from "../lib/orders/view";
import { seedDemo } from "../lib/seed/demo";
import { databaseUrl, freshBenchDatabase } from "./lib";

const name = "render_lab";
const database = process.argv.includes("--seed")
  ? await freshBenchDatabase(name)
  : openPostgres(databaseUrl(name), { max: 4 });
if (process.argv.includes("--seed")) await seedDemo(database.db, { anchor: new Date().toISOString().slice(0, 10) });
const [target] = await rows<{ id: string; number: string }>(
  database.db,
  sql`select id, number from orders where number = '#1128' limit 1`,
);
const orderId = target!.id;

async function perCall(label: string, n: number, work: () => Promise<unknown> | unknown) {
  for (let i = 0; i < 50; i++) await work();
  const start = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) await work();
  const used = process.cpuUsage(cpu);
  const ms = (performance.now() - start) / n;
  const cpuMs = (used.user + used.system) / 1000 / n;
  console.log(`${label.padEnd(24)} ${cpuMs.toFixed(3)} ms CPU, ${ms.toFixed(3)} ms wall`);
  return cpuMs;
}

const view = (await loadOrderView(database.db, orderId))!;
const options = await swapOptionsForOrder(database.db, { merchantId: view.order.merchantId, orderId });
const html = renderToString(createElement(OrderDetails, { view, mode: "owner", swapOptions: options }));
console.log(
  `order ${target!.number}: ${view.lines.length} lines, ${html.length} bytes of HTML, ${(html.match(/<[a-z]/g) ?? []).length} elements`,
);
await perCall("loadOrderView", 300, () => loadOrderView(database.db, orderId));
await perCall("swapOptionsForOrder", 300, () =>
  swapOptionsForOrder(database.db, { merchantId: view.order.merchantId, orderId }),
);
await perCall("render OrderDetails", 500, () =>
  renderToString(createElement(OrderDetails, { view, mode: "owner", swapOptions: options })),
);
await database.close();
