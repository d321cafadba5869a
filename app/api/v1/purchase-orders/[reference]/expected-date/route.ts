// POST /api/v1/purchase-orders/{reference}/expected-date — the supplier moved its date.
import { apiPost } from "@/lib/api/http";
import { purchaseOrderDateSchema, purchaseOrderResultSchema } from "@/lib/ingest/schemas";
import { changeExpectedDate } from "@/lib/supply/purchase-orders";

export const POST = apiPost({
  input: purchaseOrderDateSchema,
  output: purchaseOrderResultSchema,
  async handle(tx, { caller, actor, input, params, now }) {
    const result = await changeExpectedDate(tx, {
      merchantId: caller.merchantId,
      reference: decodeURIComponent(params.reference!),
      expectedDate: input.expectedDate,
      note: input.note,
      actor,
      now,
    });
    return {
      status: 200,
      body: { purchaseOrderId: result.purchaseOrderId, created: false, linesRedated: result.etaChanges },
    };
  },
});
