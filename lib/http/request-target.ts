import { decodePathSegment, isStorableText } from "../security/text";

// A request's path and query string as they came over the wire. A malformed escape (`%E0%A4%A`)
// made Next's own decoding throw (a bare 500), and a NUL (`%00`) reached PostgreSQL, which
// refuses it in text (error 22021, another 500). Every route is checked here first and refused
// with 400 and a sentence that says which part is wrong.

export type TargetProblem = { field: string; message: string };

export function checkRequestTarget(rawPathAndQuery: string): TargetProblem | null {
  const queryAt = rawPathAndQuery.indexOf("?");
  const path = queryAt >= 0 ? rawPathAndQuery.slice(0, queryAt) : rawPathAndQuery;
  const query = queryAt >= 0 ? rawPathAndQuery.slice(queryAt + 1) : "";
  for (const segment of path.split("/")) {
    if (decodePathSegment(segment) === null)
      return {
        field: "path",
        message:
          "The address has a malformed %-escape or a character that cannot be used (such as NUL); check the link and try again.",
      };
  }
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const equals = pair.indexOf("=");
    const rawName = equals >= 0 ? pair.slice(0, equals) : pair;
    const rawValue = equals >= 0 ? pair.slice(equals + 1) : "";
    const name = decodeQueryPart(rawName);
    const value = decodeQueryPart(rawValue);
    if (name === null || value === null)
      return {
        field: name === null ? "query" : `query.${name}`,
        message: `The address's ${name === null ? "query string" : `"${name}" parameter`} has a malformed %-escape or a character that cannot be used (such as NUL).`,
      };
  }
  return null;
}

function decodeQueryPart(raw: string): string | null {
  try {
    const decoded = decodeURIComponent(raw.replace(/\+/g, " "));
    return isStorableText(decoded) ? decoded : null;
  } catch {
    return null;
  }
}
