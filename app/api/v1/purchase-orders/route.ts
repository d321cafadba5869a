// POST /api/v1/purchase-orders — create a purchase order, or update the one with the same reference.
// GET /api/v1/purchase-orders?after=&limit=&status= — the merchant's POs, oldest placed first.
import { pageLimit } from "@/lib/api/cursor";
import { apiGet, apiPost } from "@/lib/api/http";
import { db } from "@/lib/db/client";
import { purchaseOrderListSchema, purchaseOrderResultSchema, purchaseOrderUpsertSchema } from "@/lib/ingest/schemas";
import { upsertPurchaseOrder } from "@/lib/supply/purchase-orders";
import { listPurchaseOrders } from "@/lib/supply/read";

export const GET = apiGet({
  output: purchaseOrderListSchema,
  async handle({ caller, url }) {
    const page = await listPurchaseOrders(db(), {
      merchantId: caller.merchantId,
      after: url.searchParams.get("after"),
      status: url.searchParams.get("status"),
      limit: pageLimit(url),
    });
    return { status: 200, body: page };
  },
});

export const POST = apiPost({
  input: purchaseOrderUpsertSchema,
  output: purchaseOrderResultSchema,
  async handle(tx, { caller, actor, input, now }) {
    const result = await upsertPurchaseOrder(tx, { merchantId: caller.merchantId, input, actor, now });
    return {
      status: result.created ? 201 : 200,
      body: { purchaseOrderId: result.purchaseOrderId, created: result.created, linesRedated: result.etaChanges },
    };
  },
});
