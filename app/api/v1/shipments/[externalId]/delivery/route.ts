// POST /api/v1/shipments/{externalId}/delivery — the carrier delivered the parcel (shipment.delivered, once).
import { apiPost, pathRecord } from "@/lib/api/http";
import { deliveryResultSchema, deliverySchema } from "@/lib/ingest/schemas";
import { recordDelivery } from "@/lib/orders/ship";

export const POST = apiPost({
  input: deliverySchema,
  output: deliveryResultSchema,
  async handle(tx, { caller, actor, input, params, now }) {
    const externalId = pathRecord(params, "externalId", "shipment");
    const result = await recordDelivery(tx, {
      merchantId: caller.merchantId,
      externalId,
      deliveredAt: input.deliveredAt,
      actor,
      now,
    });
    return { status: 200, body: result };
  },
});
