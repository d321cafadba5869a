// POST /api/v1/shipments — a parcel left: its units are marked shipped with tracking.
import { apiPost } from "@/lib/api/http";
import { shipmentResultSchema, shipmentSchema } from "@/lib/ingest/schemas";
import { recordShipment } from "@/lib/orders/ship";

export const POST = apiPost({
  input: shipmentSchema,
  output: shipmentResultSchema,
  async handle(tx, { caller, actor, input, now }) {
    const result = await recordShipment(tx, { merchantId: caller.merchantId, input, actor, now });
    return { status: result.created ? 201 : 200, body: result };
  },
});
