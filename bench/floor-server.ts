// The floor for the shopper pages (bench/pages.ts starts it in a process of its own, so its CPU is
// measured apart): a bare node:http server with no framework, doing the order page's own reads
// and answering them as the page's own component rendered by React (GET /html?order=<id>) or as
// JSON (GET /json?order=<id>). What Next adds on top of this is what the bench compares.
import { createServer } from "node:http";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { OrderDetails } from "../components/order/order-details";
import { openPostgres } from "../lib/db/client";
import { swapOptionsForOrder } from "../lib/orders/swap";
import { loadOrderView } from "../lib/orders/view";

const database = openPostgres(process.env.DATABASE_URL!, { max: 10 });
const port = Number(process.env.FLOOR_PORT);

createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://floor");
  const view = await loadOrderView(database.db, url.searchParams.get("order") ?? "");
  if (!view) return void res.writeHead(404).end();
  const options = await swapOptionsForOrder(database.db, { merchantId: view.order.merchantId, orderId: view.order.id });
  if (url.pathname === "/json")
    return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(view));
  const body = renderToString(createElement(OrderDetails, { view, mode: "owner", swapOptions: options }));
  res
    .writeHead(200, { "content-type": "text/html; charset=utf-8" })
    .end(`<!doctype html><html lang="en"><body><main>${body}</main></body></html>`);
}).listen(port, () => console.log(`floor on ${port}`));
