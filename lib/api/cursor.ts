import { DomainError } from "../errors";

// Opaque page cursors for the API's lists: the position after the last item of a page, as
// base64url text, so clients store and send it back without reading into it.

export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts), "utf8").toString("base64url");
}

/** The parts of a cursor this API made, or a 422 naming `field` (a cursor from elsewhere, or edited). */
export function decodeCursor(cursor: string, count: number, field = "after"): string[] {
  const refused = new DomainError("invalid", `${field} is not a cursor this API gave out.`, field);
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw refused;
  }
  if (!Array.isArray(parts) || parts.length !== count || !parts.every((p) => typeof p === "string")) throw refused;
  return parts as string[];
}

/** `limit` from the query string: 1 to `max`, `fallback` when absent. */
export function pageLimit(url: URL, fallback = 100, max = 500): number {
  const given = url.searchParams.get("limit");
  if (given === null) return fallback;
  const limit = Number(given);
  if (!/^\d+$/.test(given) || limit < 1 || limit > max)
    throw new DomainError("invalid", `limit must be a whole number from 1 to ${max}.`, "limit");
  return limit;
}
