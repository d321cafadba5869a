import { sql, type SQL } from "drizzle-orm";

// Arrays and instants passed as plain text parameters, so postgres.js and PGlite bind them alike.

// As a scalar subquery the array is built once per statement (an InitPlan), not once per row,
// and `col = any(...)` can still use an index.
export function uuidArray(ids: readonly string[]): SQL {
  return sql`(select array_agg(x::uuid) from unnest(string_to_array(${ids.join(",")}, ',')) x)::uuid[]`;
}

export function bigintArray(ids: readonly number[]): SQL {
  return sql`(select array_agg(x::bigint) from unnest(string_to_array(${ids.join(",")}, ',')) x)::bigint[]`;
}

export function instant(at: Date): SQL {
  return sql`${at.toISOString()}::timestamptz`;
}

/** An order line's ship and delivery windows from a raw `order_lines` row (dates come back as strings). */
export function lineWindows(row: Record<string, unknown>) {
  return {
    shipStart: (row.ship_start as string | null) ?? null,
    shipEnd: (row.ship_end as string | null) ?? null,
    deliveryStart: (row.delivery_start as string | null) ?? null,
    deliveryEnd: (row.delivery_end as string | null) ?? null,
  };
}
