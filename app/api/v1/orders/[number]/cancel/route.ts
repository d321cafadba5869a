// POST /api/v1/orders/{number}/cancel — the merchant cancels open units (some SKUs, or all).
import { apiPost, pathRecord } from "@/lib/api/http";
import { DomainError } from "@/lib/errors";
import { cancelResultSchema, orderCancelSchema } from "@/lib/ingest/schemas";
import { cancelLines } from "@/lib/orders/cancel";
import { orderByNumber } from "@/lib/orders/read";
import { isOpen } from "@/lib/orders/line-status";

export const POST = apiPost({
  input: orderCancelSchema,
  output: cancelResultSchema,
  async handle(tx, { caller, actor, input, params, now }) {
    const number = pathRecord(params, "number", "order");
    const found = await orderByNumber(tx, caller.merchantId, number);
    if (!found) throw new DomainError("not_found", `No order ${number} for this merchant.`, "number");
    const open = found.lines.filter((l) => isOpen(l.status));
    let lineIds: number[] | undefined;
    if (input.skus) {
      lineIds = input.skus.map((sku, i) => {
        const line = found.lines.find((l) => l.skuCode === sku && l.status !== "swapped");
        if (!line) throw new DomainError("invalid", `Order ${number} has no line for SKU ${sku}.`, `skus[${i}]`);
        return line.id;
      });
    } else if (open.length === 0) {
      return { status: 200, body: { cancelled: [], alreadyCancelled: 0 } };
    }
    const result = await cancelLines(tx, {
      merchantId: caller.merchantId,
      orderId: found.order.id,
      lineIds: lineIds ?? open.map((l) => l.id),
      actor,
      now,
      includeReady: true,
      reason: input.reason,
    });
    return {
      status: 200,
      body: {
        cancelled: result.cancelled.map((c) => ({ sku: c.sku, units: c.units, refundMinor: c.refundMinor })),
        alreadyCancelled: result.alreadyCancelled.length,
      },
    };
  },
});
