// POST /api/v1/stock — set stock on hand for SKUs; new stock is promised to the queue at once.
import { apiPost } from "@/lib/api/http";
import { stockLevelsSchema, stockResultSchema } from "@/lib/ingest/schemas";
import { setStockLevels } from "@/lib/supply/stock";

export const POST = apiPost({
  input: stockLevelsSchema,
  output: stockResultSchema,
  async handle(tx, { caller, actor, input, now }) {
    const result = await setStockLevels(tx, { merchantId: caller.merchantId, input, actor, now });
    return { status: 200, body: { updated: result.updated, linesRedated: result.etaChanges } };
  },
});
