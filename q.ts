import { PGlite } from "@electric-sql/pglite";
const p = new PGlite("/tmp/seed1");
console.log((await p.query("select sku_code, count(*) filter (where eta_basis='po') po, count(*) filter (where eta_basis='unknown') unk, count(*) filter (where status='shipped') shipped, sum(quantity) filter (where status in ('backordered','preorder')) units_waiting from order_lines group by 1 order by 1")).rows);
