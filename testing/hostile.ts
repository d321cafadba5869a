import fc from "fast-check";
import { sql } from "drizzle-orm";
import { rows, type DbOrTx } from "../lib/db/client";

// Hostile input for the fuzz tests: the strings and values people (and scripts) send to see what
// breaks, and ways to slip them into an otherwise valid request so they reach past the first check.

/** Strings that have broken real systems: injections, NUL, lone surrogates, huge and odd numbers. */
export const nastyStrings = [
  "'; drop table orders; --",
  '" or 1=1 --',
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "javascript:alert(1)",
  "${7*7}{{7*7}}",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\u202e\u200b\ufeff",
  "👩‍👩‍👧‍👦".repeat(50),
  "x".repeat(300_000),
  "NaN",
  "-1",
  "1e309",
  "0x10",
  "2026-02-30",
  "../../etc/passwd",
  "%00%27%E0",
  "__proto__",
  "constructor",
  " ",
  "",
] as const;

/** Any string a client could send: the nasty ones, random ones, and valid-looking ones with a nasty tail. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...nastyStrings),
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc
    .tuple(
      fc.constantFrom("#1001", "CAP", "shop", "a@example.com", "2030-01-01", "1"),
      fc.constantFrom(...nastyStrings),
    )
    .map(([valid, nasty]) => valid + nasty),
);

/** `[[[…]]]` nested `depth` times when sent as JSON, and short when fast-check prints a counterexample. */
export class DeepArray {
  constructor(readonly depth: number) {}
  toJSON(): string {
    return `\u0001DeepArray:${this.depth}\u0001`;
  }
  [fc.toStringMethod](): string {
    return `DeepArray(${this.depth})`;
  }
}

/** JSON text of a hostile value; deep arrays are written out as text (JSON.stringify would overflow the stack). */
export function hostileJson(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? "null";
  } catch {
    text = String(value);
  }
  return text.replace(
    /"\\u0001DeepArray:(\d+)\\u0001"/g,
    (_, depth: string) => "[".repeat(Number(depth)) + "]".repeat(Number(depth)),
  );
}

const deepJson = fc.letrec((tie) => ({
  deep: fc.oneof(
    { depthSize: "small" },
    fc.constant(1),
    fc.array(tie("deep"), { maxLength: 2 }),
    fc.dictionary(fc.string({ maxLength: 2 }), tie("deep"), { maxKeys: 2 }),
  ),
})).deep;

/** Any JSON-ish value: hostile strings, odd numbers, wrong types, deep nesting. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.NaN, -1, -0, 1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, 0.5),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.anything(), { maxKeys: 3 }),
  deepJson,
  // Deeper than any parser should recurse into.
  fc.integer({ min: 1_000, max: 5_000 }).map((depth) => new DeepArray(depth)),
);

/** A valid body with one field (at any depth) replaced by something hostile, or removed, or with a nasty tail. */
export function mutate(valid: unknown): fc.Arbitrary<unknown> {
  const paths: (string | number)[][] = [];
  const walk = (value: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  walk(valid, []);
  return fc
    .tuple(
      fc.constantFrom(...paths),
      hostile,
      fc.constantFrom("replace", "remove", "append"),
      fc.constantFrom(...nastyStrings),
    )
    .map(([path, value, how, nasty]) => {
      if (path.length === 0) return value;
      const copy = structuredClone(valid) as Record<string | number, unknown>;
      let target = copy;
      for (const part of path.slice(0, -1)) target = target[part] as Record<string | number, unknown>;
      const last = path.at(-1)!;
      if (how === "remove") delete target[last];
      else if (how === "append" && typeof target[last] === "string") target[last] = `${target[last] as string}${nasty}`;
      else target[last] = value;
      return copy;
    });
}

/** A header value a client can actually send (byte string, no line breaks), from a hostile string. */
export const hostileHeader: fc.Arbitrary<string> = hostileString.map((s) =>
  s.slice(0, 8_000).replace(/[^\t\x20-\x7e\x80-\xff]/g, "?"),
);

/**
 * Form data for a server action: each known field valid, missing, hostile, repeated or a file,
 * plus stray fields (`__proto__`, `constructor`, …) that a forged request could add.
 */
export function hostileForm(valid: Record<string, string>): fc.Arbitrary<FormData> {
  const names = Object.keys(valid);
  const field = (name: string) =>
    fc
      .oneof(
        { weight: 3, arbitrary: fc.constant<["keep"]>(["keep"]) },
        fc.constant<["remove"]>(["remove"]),
        fc.tuple(fc.constant("set" as const), hostileString),
        fc.tuple(fc.constant("append" as const), fc.constantFrom(...nastyStrings)),
        fc.tuple(fc.constant("twice" as const), hostileString),
        fc.constant<["file"]>(["file"]),
      )
      .map((how) => [name, how] as const);
  return fc
    .tuple(
      fc.tuple(...names.map(field)),
      fc.array(
        fc.tuple(fc.constantFrom("__proto__", "constructor", "toString", "$ACTION_ID_x", "extra"), hostileString),
        { maxLength: 2 },
      ),
    )
    .map(([fields, extras]) => {
      const form = new FormData();
      for (const [name, how] of fields) {
        const value = valid[name]!;
        if (how[0] === "keep") form.set(name, value);
        else if (how[0] === "set") form.set(name, how[1]);
        else if (how[0] === "append") form.set(name, value + how[1]);
        else if (how[0] === "twice") {
          form.append(name, value);
          form.append(name, how[1]);
        } else if (how[0] === "file") form.set(name, new Blob([value]), "x.txt");
      }
      for (const [name, value] of extras) form.append(name, value);
      return form;
    });
}

/**
 * A checksum of every row of every table but `except`, so a test can say "nothing changed" without
 * naming what a request might have touched.
 */
export async function footprint(db: DbOrTx, except: string[] = []): Promise<Record<string, string>> {
  const tables = await rows<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const wanted = tables.map((t) => t.name).filter((name) => !except.includes(name));
  const [state] = await rows<Record<string, string>>(
    db,
    sql.join(
      [
        sql`select `,
        sql.join(
          wanted.map(
            (name) =>
              sql`(select count(*) || ':' || coalesce(md5(string_agg(t::text, ',' order by t::text)), '') from ${sql.identifier(name)} t) as ${sql.identifier(name)}`,
          ),
          sql`, `,
        ),
      ],
      sql``,
    ),
  );
  return state!;
}
