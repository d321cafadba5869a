// GET /support/api/search?q=… — order search for agents, scoped to the merchants they serve.
import { agentOrNull } from "@/app/support/guard";
import { readsForCookieHeader } from "@/lib/db/reads";
import { searchOrders } from "@/lib/support/search";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const scope = await agentOrNull();
  // Not an agent: as if this did not exist.
  if (!scope) return new Response("Not found", { status: 404 });
  const q = new URL(request.url).searchParams.get("q") ?? "";
  const read = readsForCookieHeader(request.headers.get("cookie"));
  const hits = await read((db) => searchOrders(db, scope, q));
  return Response.json({ query: q, hits }, { headers: { "cache-control": "no-store" } });
}
