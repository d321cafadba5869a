// GET /support/board.csv?merchant=&sort= — the backorder board as CSV, for the agent's merchants.
import { agentOrNull } from "@/app/support/guard";
import { db } from "@/lib/db/client";
import { backorderBoard, boardCsv, boardQuery } from "@/lib/support/board";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const scope = await agentOrNull();
  if (!scope) return new Response("Not found", { status: 404 });
  const params = new URL(request.url).searchParams;
  const board = await backorderBoard(
    db(),
    scope,
    boardQuery({ merchant: params.get("merchant"), sort: params.get("sort") }),
  );
  return new Response(boardCsv(board), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="backorder-board-${new Date().toISOString().slice(0, 10)}.csv"`,
      "cache-control": "no-store",
    },
  });
}
