// POST /api/v1/orders — create an order, or update the one with the same number.
import { apiPost } from "@/lib/api/http";
import { orderResultSchema, orderUpsertSchema } from "@/lib/ingest/schemas";
import { orderResultBody } from "@/lib/ingest/responses";
import { upsertOrder } from "@/lib/orders/intake";

export const POST = apiPost({
  input: orderUpsertSchema,
  output: orderResultSchema,
  async handle(tx, { caller, actor, input, now }) {
    const result = await upsertOrder(tx, { merchantId: caller.merchantId, input, actor, now });
    return { status: result.created ? 201 : 200, body: orderResultBody(result) };
  },
});
