import type { z } from "zod";
import type { OrderUpsertResult } from "../orders/intake";
import type { orderResultSchema } from "./schemas";

// The API's answers built from the domain's results: the wire format depends on the domain, and
// the domain (which takes its input types from ./schemas) never on this.

/** An intake's result as the API answers it. */
export function orderResultBody(result: OrderUpsertResult): z.input<typeof orderResultSchema> {
  return {
    orderId: result.orderId,
    number: result.number,
    created: result.created,
    lines: result.lines.map((l) => ({
      id: l.id,
      sku: l.skuCode,
      quantity: l.quantity,
      status: l.status,
      shipWindow: l.shipStart && l.shipEnd ? { start: l.shipStart, end: l.shipEnd } : null,
      basis: l.etaBasis,
    })),
  };
}
