import { expect, test } from "@playwright/test";
import { demo } from "./support";

// The ingest API through the real Next.js server (the handlers' logic is tested in app/api/v1).
test("a merchant's system creates an order and reads it back through the built app", async ({ request }) => {
  const auth = { authorization: `Bearer ${demo().apiKey}` };
  const number = `#E2E-${Date.now()}`;
  const created = await request.post("/api/v1/orders", {
    headers: { ...auth, "idempotency-key": number },
    data: {
      number,
      email: "e2e.shopper@example.com",
      lines: [
        { sku: "NW-MUG", quantity: 1 },
        { sku: "NW-BASE-M", quantity: 1 },
      ],
    },
  });
  expect(created.status()).toBe(201);
  const body = await created.json();
  expect(body.lines.map((l: { sku: string; status: string }) => [l.sku, l.status])).toEqual([
    ["NW-MUG", "ready"],
    ["NW-BASE-M", "backordered"],
  ]);
  expect(body.lines[1].shipWindow).not.toBeNull();

  const read = await request.get(`/api/v1/orders/${encodeURIComponent(number)}`, { headers: auth });
  expect(read.status()).toBe(200);
  expect((await read.json()).lines[1].queuePosition).toBeGreaterThan(0);
  expect((await request.get(`/api/v1/orders/${encodeURIComponent(number)}`)).status()).toBe(401);

  const document = await (await request.get("/api/v1/openapi.json")).json();
  expect(document.paths["/orders"].post.requestBody).toBeTruthy();
});
