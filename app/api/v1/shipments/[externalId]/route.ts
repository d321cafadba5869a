// GET /api/v1/shipments/{externalId} — a shipment by your id, with tracking, lines and whether it was delivered.
import { apiGet, pathRecord } from "@/lib/api/http";
import { db } from "@/lib/db/client";
import { shipmentViewSchema } from "@/lib/ingest/schemas";
import { shipmentByExternalId } from "@/lib/orders/ship";

export const GET = apiGet({
  output: shipmentViewSchema,
  async handle({ caller, params }) {
    const externalId = pathRecord(params, "externalId", "shipment");
    return { status: 200, body: await shipmentByExternalId(db(), caller.merchantId, externalId) };
  },
});
