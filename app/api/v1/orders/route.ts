// POST /api/v1/orders — create an order, or update the one with the same number.
import { apiPost } from "@/lib/api/http";
import { orderResultSchema, orderUpsertSchema } from "@/lib/ingest/schemas";
import { upsertOrder } from "@/lib/orders/intake";

export const POST = apiPost({
  input: orderUpsertSchema,
  output: orderResultSchema,
  async handle(tx, { caller, actor, input, now }) {
    const result = await upsertOrder(tx, { merchantId: caller.merchantId, input, actor, now });
    return {
      status: result.created ? 201 : 200,
      body: {
        orderId: result.orderId,
        number: result.number,
        created: result.created,
        lines: result.lines.map((l) => ({
          id: l.id,
          sku: l.skuCode,
          quantity: l.quantity,
          status: l.status,
          shipWindow: l.shipStart && l.shipEnd ? { start: l.shipStart, end: l.shipEnd } : null,
          basis: l.etaBasis,
        })),
      },
    };
  },
});
