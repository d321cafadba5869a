// GET /api/health — is the app up, and can it reach its database?
import { sql } from "drizzle-orm";
import { database, rows } from "@/lib/db/client";

export const dynamic = "force-dynamic";

export async function GET() {
  const { db, kind } = database();
  try {
    const [state] = await rows<{ migrations: number; merchants: number; orders: number }>(
      db,
      sql`select (select count(*)::int from drizzle.__drizzle_migrations) as migrations,
                 (select count(*)::int from merchants) as merchants,
                 (select count(*)::int from orders) as orders`,
    );
    return Response.json({ status: "ok", database: { kind, reachable: true, ...state } });
  } catch (error) {
    console.error("health check failed", error);
    return Response.json(
      {
        status: "unavailable",
        database: { kind, reachable: false },
        message: "The database cannot be reached right now.",
      },
      { status: 503 },
    );
  }
}
