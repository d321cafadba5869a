// PostgreSQL refuses a NUL character in text, and an unpaired UTF-16 surrogate in jsonb (where the
// audit log and domain events keep what changed). Text from outside is checked with this at the
// edge, so such input is refused with a sentence instead of failing deep inside a query as a 500.

const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isStorableText(value: string): boolean {
  return !unstorable.test(value);
}

export const unstorableTextMessage = "must not contain NUL characters or unpaired surrogates";

/** A URL path segment decoded, or null when its escapes are malformed (`%E0%A4%A`) or decode to unstorable text. */
export function decodePathSegment(segment: string): string | null {
  try {
    const decoded = decodeURIComponent(segment);
    return isStorableText(decoded) ? decoded : null;
  } catch {
    return null;
  }
}

/** True when every string (and key) in a parsed JSON value can be stored. */
export function isStorableJson(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === "string") {
      if (!isStorableText(next)) return false;
    } else if (Array.isArray(next)) pending.push(...next);
    else if (next && typeof next === "object") {
      for (const [key, inner] of Object.entries(next)) {
        if (!isStorableText(key)) return false;
        pending.push(inner);
      }
    }
  }
  return true;
}

// Bidi overrides and isolates (U+202A–202E, U+2066–2069, marks U+200E/200F/061C) can make a
// subject read backwards ("Refund: gpj.exe" shown as "exe.jpg"), and control characters (CR/LF
// among them) have no place in a header. Product titles come from merchants' systems and Shopify.
const headerUnsafe = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** Text for an email header (subject, sender name): unsafe characters become spaces, runs of spaces one. */
export function headerText(value: string): string {
  return value.replace(headerUnsafe, " ").replace(/\s+/g, " ").trim();
}
