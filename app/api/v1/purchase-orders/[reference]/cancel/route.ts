// POST /api/v1/purchase-orders/{reference}/cancel — the supplier will not deliver it.
import { z } from "zod";
import { cancelPurchaseOrder } from "@/lib/supply/purchase-orders";
import { purchaseOrderChange } from "../change";

export const POST = purchaseOrderChange(z.object({}).strict(), (tx, po) => cancelPurchaseOrder(tx, po));
