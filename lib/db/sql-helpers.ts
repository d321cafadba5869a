import { sql, type SQL } from "drizzle-orm";

// Arrays and instants passed as plain text parameters, so postgres.js and PGlite bind them alike.

export function uuidArray(ids: readonly string[]): SQL {
  return sql`string_to_array(${ids.join(",")}, ',')::uuid[]`;
}

export function bigintArray(ids: readonly number[]): SQL {
  return sql`string_to_array(${ids.join(",")}, ',')::bigint[]`;
}

export function instant(at: Date): SQL {
  return sql`${at.toISOString()}::timestamptz`;
}
