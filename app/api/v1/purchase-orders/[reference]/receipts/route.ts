// POST /api/v1/purchase-orders/{reference}/receipts — units arrived; they go to the queue in order.
import { receiptSchema } from "@/lib/ingest/schemas";
import { receivePurchaseOrder } from "@/lib/supply/purchase-orders";
import { purchaseOrderChange } from "../change";

export const POST = purchaseOrderChange(receiptSchema, (tx, po, input) => receivePurchaseOrder(tx, { ...po, input }));
