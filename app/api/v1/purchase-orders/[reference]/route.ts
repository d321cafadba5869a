// GET /api/v1/purchase-orders/{reference} — a PO with its lines, what was received and every date it has had.
import { apiGet, pathRecord } from "@/lib/api/http";
import { db } from "@/lib/db/client";
import { purchaseOrderViewSchema } from "@/lib/ingest/schemas";
import { purchaseOrderView } from "@/lib/supply/read";

export const GET = apiGet({
  output: purchaseOrderViewSchema,
  async handle({ caller, params }) {
    const reference = pathRecord(params, "reference", "purchase order");
    return { status: 200, body: await purchaseOrderView(db(), caller.merchantId, reference) };
  },
});
