import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rows } from "@/lib/db/client";
import { loadOrderView } from "@/lib/orders/view";
import { apiTestbed } from "@/testing/api";
import { onPostgres } from "@/testing/db";

// POST /api/v1/skus: the catalogue from a shop's own systems, over HTTP, as a merchant's engineer
// would call it.

const api = apiTestbed({ a: "shop-a", b: "shop-b" }, [{ code: "TEE", onHand: 0 }]);

async function post(path: string, key: string, body: unknown) {
  const response = await fetch(`${api.url}/api/v1${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Every SKU, product and catalogue audit entry, to prove a refusal wrote nothing. */
async function catalogue() {
  const skus = await rows<Record<string, unknown>>(
    api.db,
    sql`select s.merchant_id, s.code, p.handle, s.title, s.variant_title, s.price_minor, s.image_url, s.backorder_policy,
               s.release_date::text, s.updated_at::text
        from skus s join products p on p.id = s.product_id order by s.merchant_id, s.code`,
  );
  const [counts] = await rows<{ audits: number; products: number }>(
    api.db,
    sql`select (select count(*)::int from audit_log where action like 'catalog.%') as audits,
               (select count(*)::int from products) as products`,
  );
  return { skus, ...counts! };
}

const picture = "https://cdn.shop-a.example/merino-m.jpg";

describe("POST /api/v1/skus", () => {
  it("creates a product's sizes with their picture, and the order page shows it with the name as alt text", async () => {
    const created = await post("/skus", api.keys.a, {
      skus: [
        {
          sku: "MER-M",
          product: "merino",
          title: "Merino Base Layer",
          variantTitle: "M",
          priceMinor: 6500,
          imageUrl: picture,
        },
        { sku: "MER-L", product: "merino", title: "Merino Base Layer", variantTitle: "L", priceMinor: 6500 },
        {
          sku: "LAMP",
          title: "Ceramic Lamp",
          priceMinor: 12000,
          backorderPolicy: "preorder",
          releaseDate: "2027-02-01",
        },
      ],
    });
    expect(created).toEqual({ status: 200, body: { created: 3, updated: 0 } });

    const [m, l] = await rows<{ product_id: string; image_url: string | null; currency: string }>(
      api.db,
      sql`select product_id, image_url, currency from skus where code in ('MER-M', 'MER-L') order by code desc`,
    );
    expect(m!.product_id).toBe(l!.product_id);
    expect([m!.image_url, l!.image_url]).toEqual([picture, null]);
    expect(m!.currency).toBe("USD");

    const order = await post("/orders", api.keys.a, {
      number: "#5001",
      email: "pat@example.com",
      lines: [{ sku: "MER-M", quantity: 1 }],
    });
    expect(order.status).toBe(201);
    const view = await loadOrderView(api.db, order.body.orderId);
    expect(view!.lines[0]).toMatchObject({ title: "Merino Base Layer — M", imageUrl: picture });
  });

  it("updates what it is sent, keeps what is left out and clears what is null", async () => {
    const updated = await post("/skus", api.keys.a, {
      skus: [
        // No product given: it stays in the one it is in (so its sizes stay swappable).
        { sku: "MER-M", title: "Merino Crew", priceMinor: 7000 },
        {
          sku: "MER-L",
          product: "merino",
          title: "Merino Crew",
          variantTitle: null,
          priceMinor: 7000,
          imageUrl: picture,
        },
      ],
    });
    expect(updated).toEqual({ status: 200, body: { created: 0, updated: 2 } });
    const [l, m] = await rows<{
      title: string;
      variant_title: string | null;
      image_url: string | null;
      price_minor: number;
    }>(
      api.db,
      sql`select title, variant_title, image_url, price_minor from skus where code like 'MER-%' order by code`,
    );
    expect(m).toEqual({ title: "Merino Crew", variant_title: "M", image_url: picture, price_minor: 7000 });
    expect(l).toEqual({ title: "Merino Crew", variant_title: null, image_url: picture, price_minor: 7000 });
    const handles = await rows<{ handle: string }>(
      api.db,
      sql`select distinct p.handle from skus s join products p on p.id = s.product_id where s.code like 'MER-%'`,
    );
    expect(handles).toEqual([{ handle: "merino" }]);

    const cleared = await post("/skus", api.keys.a, {
      skus: [{ sku: "MER-M", product: "merino", title: "Merino Crew", priceMinor: 7000, imageUrl: null }],
    });
    expect(cleared.status).toBe(200);
    const [after] = await rows<{ image_url: string | null }>(
      api.db,
      sql`select image_url from skus where code = 'MER-M'`,
    );
    expect(after!.image_url).toBeNull();
    const [audit] = await rows<{ before: { imageUrl: string }; after: { imageUrl: string | null } }>(
      api.db,
      sql`select before, after from audit_log where action = 'catalog.updated' order by id desc limit 1`,
    );
    expect(audit).toMatchObject({ before: { imageUrl: picture }, after: { imageUrl: null } });
  });

  it("refuses bad input with 422 naming the field, and writes nothing", async () => {
    const before = await catalogue();
    const cases: [unknown, string][] = [
      [{ skus: [{ sku: "X", title: "X", priceMinor: 1, imageUrl: "http://cdn.example/x.jpg" }] }, "skus[0].imageUrl"],
      [{ skus: [{ sku: "X", title: "X", priceMinor: 1, imageUrl: "javascript:alert(1)" }] }, "skus[0].imageUrl"],
      [{ skus: [{ sku: "X", title: "X", priceMinor: -1 }] }, "skus[0].priceMinor"],
      [{ skus: [{ sku: "X", title: "", priceMinor: 1 }] }, "skus[0].title"],
      [{ skus: [{ sku: "X", title: "X", priceMinor: 1, backorderPolicy: "sometimes" }] }, "skus[0].backorderPolicy"],
      [{ skus: [{ sku: "X", title: "X", priceMinor: 1, onHand: 4 }] }, "skus[0].onHand"],
      [
        {
          skus: [
            { sku: "NEW", title: "New", priceMinor: 1 },
            { sku: "X", title: "X", priceMinor: 1, backorderPolicy: "preorder" },
          ],
        },
        "skus[1].releaseDate",
      ],
      [
        {
          skus: [
            { sku: "NEW", title: "New", priceMinor: 1 },
            { sku: "NEW", title: "New", priceMinor: 2 },
          ],
        },
        "skus[1].sku",
      ],
      [{ skus: [{ sku: "X", title: "X", priceMinor: 1, releaseDate: "2027-01-01" }] }, "skus[0].releaseDate"],
      [{ skus: [] }, "skus"],
    ];
    for (const [body, field] of cases) {
      const answer = await post("/skus", api.keys.a, body);
      expect(answer.status, JSON.stringify(body)).toBe(422);
      const named = [answer.body.error.field, ...(answer.body.error.fields ?? []).map((f: { path: string }) => f.path)];
      expect(named, JSON.stringify(answer.body)).toContain(field);
      expect(answer.body.error.message).toMatch(/\w/);
    }
    expect(await catalogue()).toEqual(before);
  });

  it("keeps the policy and release date of a SKU shoppers are waiting for (409), and changes nothing else in that call", async () => {
    const order = await post("/orders", api.keys.a, {
      number: "#5002",
      email: "sam@example.com",
      lines: [{ sku: "LAMP", quantity: 1 }],
    });
    expect(order.status).toBe(201);
    const before = await catalogue();
    const moved = await post("/skus", api.keys.a, {
      skus: [
        { sku: "MER-M", product: "merino", title: "Merino Renamed", priceMinor: 1 },
        { sku: "LAMP", title: "Ceramic Lamp", priceMinor: 12000, releaseDate: "2027-03-01" },
      ],
    });
    expect(moved.status).toBe(409);
    expect(moved.body.error).toMatchObject({ field: "skus[1].releaseDate" });
    expect(moved.body.error.message).toContain("orders waiting");
    const allowed = await post("/skus", api.keys.a, {
      skus: [{ sku: "LAMP", title: "Ceramic Lamp", priceMinor: 12000, backorderPolicy: "allow" }],
    });
    expect(allowed.status).toBe(409);
    expect(allowed.body.error).toMatchObject({ field: "skus[0].backorderPolicy" });
    expect(await catalogue()).toEqual(before);

    // Its name, price and picture may still change.
    const renamed = await post("/skus", api.keys.a, {
      skus: [{ sku: "LAMP", title: "Ceramic Table Lamp", priceMinor: 12500, imageUrl: picture }],
    });
    expect(renamed).toEqual({ status: 200, body: { created: 0, updated: 1 } });
  });

  it("writes only the calling shop's catalogue", async () => {
    const shopA = async () => (await catalogue()).skus.filter((s) => s.merchant_id === api.merchantIds.a);
    const beforeA = await shopA();
    const answer = await post("/skus", api.keys.b, {
      skus: [{ sku: "TEE", title: "Shop B's tee", priceMinor: 1500, imageUrl: "https://cdn.shop-b.example/tee.jpg" }],
    });
    expect(answer).toEqual({ status: 200, body: { created: 0, updated: 1 } });
    expect(await shopA()).toEqual(beforeA);
    const [b] = await rows<{ title: string }>(
      api.db,
      sql`select title from skus where code = 'TEE' and merchant_id = ${api.merchantIds.b}::uuid`,
    );
    expect(b!.title).toBe("Shop B's tee");
  });

  it.runIf(onPostgres)(
    "a release date moved while orders come in: either the move is refused or every order waits for the new date",
    async () => {
      for (let round = 0; round < 6; round++) {
        const code = `RACE-${round}`;
        const made = await post("/skus", api.keys.a, {
          skus: [
            { sku: code, title: "Race Lamp", priceMinor: 100, backorderPolicy: "preorder", releaseDate: "2027-05-01" },
          ],
        });
        expect(made.status).toBe(200);
        const [moved, ...placed] = await Promise.all([
          post("/skus", api.keys.a, {
            skus: [{ sku: code, title: "Race Lamp", priceMinor: 100, releaseDate: "2027-06-01" }],
          }),
          ...[1, 2].map((n) =>
            post("/orders", api.keys.a, {
              number: `#R${round}-${n}`,
              email: "race@example.com",
              lines: [{ sku: code, quantity: 1 }],
            }),
          ),
        ]);
        expect(placed.map((p) => p.status)).toEqual([201, 201]);
        expect([200, 409]).toContain(moved.status);
        const [sku] = await rows<{ release_date: string }>(
          api.db,
          sql`select release_date::text from skus where code = ${code}`,
        );
        expect(sku!.release_date).toBe(moved.status === 200 ? "2027-06-01" : "2027-05-01");
        const lines = await rows<{ basis_date: string | null }>(
          api.db,
          sql`select basis_date::text from order_lines where sku_code = ${code}`,
        );
        expect(lines.map((l) => l.basis_date)).toEqual([sku!.release_date, sku!.release_date]);
      }
    },
  );
});
