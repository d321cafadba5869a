// GET /lookup/choose?t=<token> — when an order number and email match orders at several shops,
// the shopper picks the shop here (see lib/orders/lookup-choice.ts).
import { choicePage, readChoice } from "@/lib/orders/lookup-choice";

export function GET(request: Request) {
  const token = new URL(request.url).searchParams.get("t") ?? "";
  const matches = readChoice(token);
  return new Response(choicePage(matches), {
    status: matches ? 200 : 410,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}
