// GET /api/v1/purchase-orders/{reference} — a PO with its lines, what was received and every date it has had.
import { apiGet } from "@/lib/api/http";
import { db } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { purchaseOrderViewSchema } from "@/lib/ingest/schemas";
import { decodePathSegment } from "@/lib/security/text";
import { purchaseOrderView } from "@/lib/supply/read";

export const GET = apiGet({
  output: purchaseOrderViewSchema,
  async handle({ caller, params }) {
    const reference = decodePathSegment(params.reference!);
    if (reference === null)
      throw new DomainError("not_found", `No purchase order ${params.reference} for this merchant.`, "reference");
    return { status: 200, body: await purchaseOrderView(db(), caller.merchantId, reference) };
  },
});
