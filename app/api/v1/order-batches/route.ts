// POST /api/v1/order-batches — create or update up to 100 orders in one transaction (all or none).
import { apiPost } from "@/lib/api/http";
import { orderBatchResultSchema, orderBatchSchema } from "@/lib/ingest/schemas";
import { orderResultBody } from "@/lib/ingest/responses";
import { upsertOrders } from "@/lib/orders/intake";

export const POST = apiPost({
  input: orderBatchSchema,
  output: orderBatchResultSchema,
  async handle(tx, { caller, actor, input, now }) {
    const results = await upsertOrders(tx, { merchantId: caller.merchantId, inputs: input.orders, actor, now });
    return { status: 200, body: { orders: results.map(orderResultBody) } };
  },
});
