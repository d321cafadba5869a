// POST /api/v1/skus — create or update SKUs: names, prices, pictures and backorder policy.
import { apiPost } from "@/lib/api/http";
import { skuCatalogResultSchema, skuCatalogSchema } from "@/lib/ingest/schemas";
import { upsertSkus } from "@/lib/supply/catalog";

export const POST = apiPost({
  input: skuCatalogSchema,
  output: skuCatalogResultSchema,
  async handle(tx, { caller, actor, input, now }) {
    return { status: 200, body: await upsertSkus(tx, { merchantId: caller.merchantId, input, actor, now }) };
  },
});
