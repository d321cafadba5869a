// POST /api/v1/purchase-orders/{reference}/receipts — units arrived; they go to the queue in order.
import { apiPost } from "@/lib/api/http";
import { purchaseOrderResultSchema, receiptSchema } from "@/lib/ingest/schemas";
import { receivePurchaseOrder } from "@/lib/supply/purchase-orders";

export const POST = apiPost({
  input: receiptSchema,
  output: purchaseOrderResultSchema,
  async handle(tx, { caller, actor, input, params, now }) {
    const result = await receivePurchaseOrder(tx, {
      merchantId: caller.merchantId,
      reference: decodeURIComponent(params.reference!),
      input,
      actor,
      now,
    });
    return {
      status: 200,
      body: { purchaseOrderId: result.purchaseOrderId, created: false, linesRedated: result.etaChanges },
    };
  },
});
