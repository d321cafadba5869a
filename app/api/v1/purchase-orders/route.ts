// POST /api/v1/purchase-orders — create a purchase order, or update the one with the same reference.
import { apiPost } from "@/lib/api/http";
import { purchaseOrderResultSchema, purchaseOrderUpsertSchema } from "@/lib/ingest/schemas";
import { upsertPurchaseOrder } from "@/lib/supply/purchase-orders";

export const POST = apiPost({
  input: purchaseOrderUpsertSchema,
  output: purchaseOrderResultSchema,
  async handle(tx, { caller, actor, input, now }) {
    const result = await upsertPurchaseOrder(tx, { merchantId: caller.merchantId, input, actor, now });
    return {
      status: result.created ? 201 : 200,
      body: { purchaseOrderId: result.purchaseOrderId, created: result.created, linesRedated: result.etaChanges },
    };
  },
});
