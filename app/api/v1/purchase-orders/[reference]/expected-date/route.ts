// POST /api/v1/purchase-orders/{reference}/expected-date — the supplier moved its date.
import { purchaseOrderDateSchema } from "@/lib/ingest/schemas";
import { changeExpectedDate } from "@/lib/supply/purchase-orders";
import { purchaseOrderChange } from "../change";

export const POST = purchaseOrderChange(purchaseOrderDateSchema, (tx, po, input) =>
  changeExpectedDate(tx, { ...po, expectedDate: input.expectedDate, note: input.note }),
);
