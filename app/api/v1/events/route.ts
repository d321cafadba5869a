// GET /api/v1/events?after=<cursor>&types=a,b&limit=100 — the merchant's events, oldest first, for polling and replay.
import { pageLimit } from "@/lib/api/cursor";
import { apiGet } from "@/lib/api/http";
import { db } from "@/lib/db/client";
import { eventFeed, parseTypes } from "@/lib/events/feed";
import { eventFeedSchema } from "@/lib/ingest/schemas";

export const GET = apiGet({
  output: eventFeedSchema,
  async handle({ caller, url }) {
    const page = await eventFeed(db(), {
      merchantId: caller.merchantId,
      after: url.searchParams.get("after"),
      types: parseTypes(url.searchParams.get("types")),
      limit: pageLimit(url),
    });
    return { status: 200, body: page };
  },
});
