// GET /api/v1/shipments/{externalId} — a shipment by your id, with tracking, lines and whether it was delivered.
import { apiGet } from "@/lib/api/http";
import { db } from "@/lib/db/client";
import { DomainError } from "@/lib/errors";
import { shipmentViewSchema } from "@/lib/ingest/schemas";
import { shipmentByExternalId } from "@/lib/orders/ship";
import { decodePathSegment } from "@/lib/security/text";

export const GET = apiGet({
  output: shipmentViewSchema,
  async handle({ caller, params }) {
    const externalId = decodePathSegment(params.externalId!);
    if (externalId === null)
      throw new DomainError("not_found", `No shipment ${params.externalId} for this merchant.`, "externalId");
    return { status: 200, body: await shipmentByExternalId(db(), caller.merchantId, externalId) };
  },
});
