import { describe, expect, it } from "vitest";
import { apiTestbed } from "@/testing/api";

// What the API writes, read back over HTTP: purchase orders (paged), a shipment by the shop's id,
// its delivery, and the event feed, each scoped to the key's merchant.

const api = apiTestbed({ a: "reads-a", b: "reads-b" }, [
  { code: "TEE", onHand: 5 },
  { code: "CAP", onHand: 0 },
]);

async function call(method: string, path: string, key: string, body?: unknown) {
  const response = await fetch(`${api.url}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe("read endpoints", () => {
  it("lists purchase orders a page at a time and reads one with its date history; another shop's is not found", async () => {
    for (let i = 1; i <= 3; i++) {
      const created = await call("POST", "/purchase-orders", api.keys.a, {
        reference: `PO-${i}`,
        supplier: "Acme",
        expectedDate: "2030-01-10",
        lines: [{ sku: "CAP", quantity: 10 * i }],
      });
      expect(created.status).toBe(201);
    }
    await call("POST", "/purchase-orders/PO-2/expected-date", api.keys.a, {
      expectedDate: "2030-01-20",
      note: "Late boat",
    });
    const first = await call("GET", "/purchase-orders?limit=2", api.keys.a);
    expect(first.status).toBe(200);
    expect(first.body.purchaseOrders.map((p: { reference: string }) => p.reference)).toEqual(["PO-1", "PO-2"]);
    expect(first.body.hasMore).toBe(true);
    const second = await call("GET", `/purchase-orders?limit=2&after=${first.body.next}`, api.keys.a);
    expect(second.body.purchaseOrders.map((p: { reference: string }) => p.reference)).toEqual(["PO-3"]);
    expect(second.body.hasMore).toBe(false);
    expect((await call("GET", "/purchase-orders", api.keys.b)).body.purchaseOrders).toEqual([]);

    const po = await call("GET", "/purchase-orders/PO-2", api.keys.a);
    expect(po.body).toMatchObject({
      reference: "PO-2",
      supplier: "Acme",
      status: "open",
      expectedDate: "2030-01-20",
      firstPromisedDate: "2030-01-10",
      lines: [{ sku: "CAP", quantity: 20, received: 0 }],
      dateChanges: [
        { from: null, to: "2030-01-10" },
        { from: "2030-01-10", to: "2030-01-20", note: "Late boat" },
      ],
    });
    expect(await call("GET", "/purchase-orders/PO-2", api.keys.b)).toMatchObject({
      status: 404,
      body: { error: { field: "reference" } },
    });
    expect(await call("GET", "/purchase-orders?limit=0", api.keys.a)).toMatchObject({
      status: 422,
      body: { error: { field: "limit" } },
    });
    expect(await call("GET", "/purchase-orders?after=garbage", api.keys.a)).toMatchObject({
      status: 422,
      body: { error: { field: "after" } },
    });
  });

  it("reads a shipment by the shop's id; delivery is recorded once; the feed lists both, only to its own shop", async () => {
    await call("POST", "/orders", api.keys.a, {
      number: "#77",
      email: "sam@example.com",
      lines: [{ sku: "TEE", quantity: 2 }],
    });
    const shipped = await call("POST", "/shipments", api.keys.a, {
      orderNumber: "#77",
      externalId: "parcel-77",
      carrier: "UPS",
      trackingNumber: "1Z77",
      lines: [{ sku: "TEE", quantity: 2 }],
    });
    expect(shipped.status).toBe(201);
    expect((await call("GET", "/shipments/parcel-77", api.keys.a)).body).toMatchObject({
      externalId: "parcel-77",
      orderNumber: "#77",
      carrier: "UPS",
      deliveredAt: null,
      lines: [{ sku: "TEE", units: 2 }],
    });
    expect((await call("GET", "/shipments/parcel-77", api.keys.b)).status).toBe(404);
    expect((await call("POST", "/shipments/parcel-77/delivery", api.keys.b, {})).status).toBe(404);

    const delivered = await call("POST", "/shipments/parcel-77/delivery", api.keys.a, {
      deliveredAt: "2030-01-02T10:00:00Z",
    });
    expect(delivered.body).toMatchObject({ deliveredAt: "2030-01-02T10:00:00.000Z", alreadyDelivered: false });
    expect((await call("POST", "/shipments/parcel-77/delivery", api.keys.a, {})).body).toMatchObject({
      deliveredAt: "2030-01-02T10:00:00.000Z",
      alreadyDelivered: true,
    });
    expect((await call("GET", "/shipments/parcel-77", api.keys.a)).body.deliveredAt).toBe("2030-01-02T10:00:00.000Z");
    expect(await call("POST", "/shipments/parcel-77/delivery", api.keys.a, { deliveredAt: "tomorrow" })).toMatchObject({
      status: 422,
      body: { error: { field: "deliveredAt" } },
    });

    const feed = await call("GET", "/events?types=shipment.created,shipment.delivered", api.keys.a);
    expect(feed.status).toBe(200);
    expect(feed.body.events.map((e: { type: string }) => e.type)).toEqual(["shipment.created", "shipment.delivered"]);
    expect(feed.body.events[1].data.shipment).toMatchObject({
      externalId: "parcel-77",
      deliveredAt: "2030-01-02T10:00:00.000Z",
    });
    expect((await call("GET", "/events", api.keys.b)).body.events.map((e: { type: string }) => e.type)).not.toContain(
      "shipment.created",
    );
    expect(await call("GET", "/events?types=order.exploded", api.keys.a)).toMatchObject({
      status: 422,
      body: { error: { field: "types" } },
    });
  });
});
