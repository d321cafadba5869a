// PostgreSQL refuses a NUL character in text, and an unpaired UTF-16 surrogate in jsonb (where the
// audit log and domain events keep what changed). Text from outside is checked with this at the
// edge, so such input is refused with a sentence instead of failing deep inside a query as a 500.

const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isStorableText(value: string): boolean {
  return !unstorable.test(value);
}

export const unstorableTextMessage = "must not contain NUL characters or unpaired surrogates";
