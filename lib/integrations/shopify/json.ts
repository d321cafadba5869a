// Shopify's ids are 64-bit integers, and its own documented examples use ones above 2^53
// (820982911946154508), which JSON.parse would silently round to a different id. Node 20's
// JSON.parse cannot see a number's source text, so integer literals too large for a double are
// quoted before parsing: they arrive as exact strings, and the schemas accept either form.

const maxSafeDigits = String(Number.MAX_SAFE_INTEGER).length;

/** JSON.parse, except that integers beyond Number.MAX_SAFE_INTEGER come back as strings. */
export function parseJsonKeepingLargeIntegers(text: string): unknown {
  let out = "";
  let copiedUpTo = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: skip it whole, escapes included, so digits inside it are never touched.
      i++;
      while (i < text.length) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i += 2;
        else {
          i++;
          if (d === 0x22) break;
        }
      }
      continue;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      i++;
      while (i < text.length && /[0-9.eE+-]/.test(text[i]!)) i++;
      const token = text.slice(start, i);
      if (
        token.replace("-", "").length >= maxSafeDigits &&
        /^-?\d+$/.test(token) &&
        !Number.isSafeInteger(Number(token))
      ) {
        out += `${text.slice(copiedUpTo, start)}"${token}"`;
        copiedUpTo = i;
      }
      continue;
    }
    i++;
  }
  return JSON.parse(copiedUpTo === 0 ? text : out + text.slice(copiedUpTo));
}
