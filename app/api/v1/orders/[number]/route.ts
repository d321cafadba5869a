// GET /api/v1/orders/{number} — an order with every line's status, windows and queue position.
import { apiGet, pathRecord } from "@/lib/api/http";
import { db } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { orderViewSchema } from "@/lib/ingest/schemas";
import { orderByNumber } from "@/lib/orders/read";

const window = (start: string | null, end: string | null) => (start && end ? { start, end } : null);

export const GET = apiGet({
  output: orderViewSchema,
  async handle({ caller, params }) {
    const number = pathRecord(params, "number", "order");
    const found = await orderByNumber(db(), caller.merchantId, number);
    if (!found) throw new DomainError("not_found", `No order ${number} for this merchant.`, "number");
    const { order, lines } = found;
    return {
      status: 200,
      body: {
        id: order.id,
        number: order.number,
        email: order.email,
        placedAt: order.placedAt.toISOString(),
        fulfillmentPreference: order.fulfillmentPreference,
        lines: lines.map((l) => ({
          id: l.id,
          sku: l.skuCode,
          title: l.title,
          quantity: l.quantity,
          allocated: l.allocatedQuantity,
          shipped: l.shippedQuantity,
          cancelled: l.cancelledQuantity,
          status: l.status,
          shipWindow: window(l.shipStart, l.shipEnd),
          deliveryWindow: window(l.deliveryStart, l.deliveryEnd),
          basis: l.etaBasis,
          queuePosition: l.queuePosition,
          rolling: l.etaPushes >= 2,
          acceptedOnDeny: l.acceptedOnDeny,
        })),
      },
    };
  },
});
