// POST /api/v1/shipments/{externalId}/delivery — the carrier delivered the parcel (shipment.delivered, once).
import { apiPost } from "@/lib/api/http";
import { DomainError } from "@/lib/errors";
import { deliveryResultSchema, deliverySchema } from "@/lib/ingest/schemas";
import { recordDelivery } from "@/lib/orders/ship";
import { decodePathSegment } from "@/lib/security/text";

export const POST = apiPost({
  input: deliverySchema,
  output: deliveryResultSchema,
  async handle(tx, { caller, actor, input, params, now }) {
    const externalId = decodePathSegment(params.externalId!);
    if (externalId === null)
      throw new DomainError("not_found", `No shipment ${params.externalId} for this merchant.`, "externalId");
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
