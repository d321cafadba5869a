import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rows } from "../db/client";
import { useFreshDatabase, type TestDatabase } from "../../testing/db";
import { createMerchant, createSku, day, placeOrder } from "../../testing/fixtures";
import { uploadCsv } from "./csv";

// The support console's CSV upload of purchase orders and stock: errors by row and column that
// change nothing, a preview that changes nothing, and applying through the API's domain functions.

let database: TestDatabase;
let shop: { id: string };
const actor = { type: "agent" as const, id: "jo@shop.example" };

beforeAll(async () => {
  database = await useFreshDatabase();
  shop = await createMerchant(database.db, { slug: "csv-shop" });
  await createSku(database.db, shop.id, { code: "BOOT", onHand: 0 });
  await createSku(database.db, shop.id, { code: "TENT", onHand: 0 });
  await placeOrder(database.db, shop.id, "#1", [{ sku: "BOOT", quantity: 2 }], day(1));
});
afterAll(async () => {
  await database?.close();
});

/** Everything an upload could write. */
async function footprint() {
  const [counts] = await rows(
    database.db,
    sql`select (select count(*)::int from purchase_orders) as pos, (select count(*)::int from purchase_order_lines) as po_lines,
               (select coalesce(sum(on_hand), 0)::int from skus) as on_hand, (select count(*)::int from eta_events) as eta_events,
               (select count(*)::int from audit_log) as audit, (select count(*)::int from published_events) as events,
               (select count(*)::int from notifications) as emails`,
  );
  return counts;
}

const upload = (text: string, apply: boolean) =>
  uploadCsv(database.db, { merchantId: shop.id, text, apply, actor, now: day(2) });

const good = [
  "kind,reference,supplier,expected_date,sku,quantity,note",
  "po,PO-7,Acme Outdoor,2026-12-20,BOOT,40,Second container",
  "po,PO-7,Acme Outdoor,2026-12-20,TENT,10,",
  "stock,,,,TENT,3,",
].join("\n");

describe("CSV upload of purchase orders and stock", () => {
  it("refuses a bad file naming each row and column, and changes nothing", async () => {
    const before = await footprint();
    const outcome = await upload(
      [
        "kind,reference,supplier,expected_date,sku,quantity,note",
        "po,PO-8,Acme Outdoor,2026-12-20,BOOT,forty,",
        "po,PO-8,Acme Outdoor,2026-12-21,TENT,4,",
        "restock,,,,BOOT,3,",
        "po,PO-9,Acme Outdoor,2026-02-30,BOOT,5,",
        "stock,,,,TENT,-1,",
        "po,PO-10,Acme Outdoor,2026-12-20,BOOT,5,",
      ].join("\n"),
      true,
    );
    expect(outcome).toEqual({
      ok: false,
      errors: [
        { row: 2, column: "quantity", message: "must be a whole number of at least 1" },
        { row: 4, column: "kind", message: "must be po or stock" },
        { row: 5, column: "expected_date", message: "must be a calendar date like 2026-12-12" },
        { row: 6, column: "quantity", message: "must be a whole number of at least 0" },
      ],
    });
    const missing = await upload("kind,reference,sku,quantity\npo,PO-1,BOOT,1", true);
    expect(missing).toEqual({
      ok: false,
      errors: [
        { row: 1, column: "supplier", message: "The header has no supplier column." },
        { row: 1, column: "expected_date", message: "The header has no expected_date column." },
      ],
    });
    expect(await footprint()).toEqual(before);
  });

  it("a SKU the catalogue does not have is named by its row, and the rest of the file is not applied", async () => {
    const before = await footprint();
    const outcome = await upload(
      `${good}\npo,PO-11,Acme Outdoor,2026-12-22,BOOT,1,\npo,PO-11,Acme Outdoor,2026-12-22,HAT,2,`,
      true,
    );
    expect(outcome).toMatchObject({ ok: false, errors: [{ row: 6, column: "sku" }] });
    expect(await footprint()).toEqual(before);
  });

  it("a preview tells what would change and changes nothing; applying does it through the API's functions", async () => {
    const before = await footprint();
    const preview = await upload(good, false);
    expect(preview).toEqual({
      ok: true,
      applied: false,
      changes: [
        { rows: [2, 3], summary: "PO-7: created with 2 lines, due 2026-12-20; 1 order line re-dated" },
        { rows: [4], summary: "Stock on hand set for 1 SKU; 0 order lines re-dated" },
      ],
    });
    expect(await footprint()).toEqual(before);

    const applied = await upload(good, true);
    expect(applied).toEqual({ ...preview, applied: true });
    const [po] = await rows<{ reference: string; expected_date: string; lines: number }>(
      database.db,
      sql`select p.reference, p.expected_date::text, (select count(*)::int from purchase_order_lines l where l.purchase_order_id = p.id) as lines
          from purchase_orders p where p.merchant_id = ${shop.id}::uuid`,
    );
    expect(po).toEqual({ reference: "PO-7", expected_date: "2026-12-20", lines: 2 });
    const [tent] = await rows<{ on_hand: number }>(
      database.db,
      sql`select on_hand from skus where merchant_id = ${shop.id}::uuid and code = 'TENT'`,
    );
    expect(tent!.on_hand).toBe(3);
    const audit = await rows<{ action: string; actor_id: string }>(
      database.db,
      sql`select action, actor_id from audit_log where merchant_id = ${shop.id}::uuid order by id`,
    );
    // Audited as the agent who uploaded, like any change through the domain functions.
    expect(audit.filter((a) => a.actor_id === "jo@shop.example").length).toBeGreaterThan(0);

    // The same file again changes the PO to the same lines: an update, nothing re-dated.
    expect(await upload(good, true)).toMatchObject({
      ok: true,
      changes: [{ summary: "PO-7: updated with 2 lines, due 2026-12-20; 0 order lines re-dated" }, {}],
    });
  });
});
