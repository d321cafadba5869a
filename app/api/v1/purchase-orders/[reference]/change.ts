// The writes to one purchase order named in the path (cancel, receipts, expected-date): the PO is
// found by its reference in the caller's shop, and the answer says how many lines were re-dated.
import type { z } from "zod";
import { apiPost, pathRecord } from "@/lib/api/http";
import type { Actor } from "@/lib/audit/actor";
import type { Tx } from "@/lib/db/client";
import { purchaseOrderResultSchema } from "@/lib/ingest/schemas";
import type { PurchaseOrderResult } from "@/lib/supply/purchase-orders";

type NamedPurchaseOrder = { merchantId: string; reference: string; actor: Actor; now: Date };

export function purchaseOrderChange<In extends z.ZodType>(
  input: In,
  change: (tx: Tx, po: NamedPurchaseOrder, input: z.output<In>) => Promise<PurchaseOrderResult>,
) {
  return apiPost({
    input,
    output: purchaseOrderResultSchema,
    async handle(tx, { caller, actor, input, params, now }) {
      const reference = pathRecord(params, "reference", "purchase order");
      const result = await change(tx, { merchantId: caller.merchantId, reference, actor, now }, input);
      return {
        status: 200,
        body: { purchaseOrderId: result.purchaseOrderId, created: false, linesRedated: result.etaChanges },
      };
    },
  });
}
