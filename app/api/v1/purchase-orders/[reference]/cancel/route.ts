// POST /api/v1/purchase-orders/{reference}/cancel — the supplier will not deliver it.
import { z } from "zod";
import { apiPost } from "@/lib/api/http";
import { purchaseOrderResultSchema } from "@/lib/ingest/schemas";
import { cancelPurchaseOrder } from "@/lib/supply/purchase-orders";

export const POST = apiPost({
  input: z.object({}).strict(),
  output: purchaseOrderResultSchema,
  async handle(tx, { caller, actor, params, now }) {
    const result = await cancelPurchaseOrder(tx, {
      merchantId: caller.merchantId,
      reference: decodeURIComponent(params.reference!),
      actor,
      now,
    });
    return {
      status: 200,
      body: { purchaseOrderId: result.purchaseOrderId, created: false, linesRedated: result.etaChanges },
    };
  },
});
