import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect } from "@playwright/test";
import { demo, test } from "./support";

// Every route of the built app, found from the files (a new route is fuzzed without being listed
// here): each dynamic segment, the query string and the body filled with hostile text. No answer is
// a 5xx or shows internals. The Vitest fuzz runs (app/api/routes.fuzz.test.ts, app/actions.fuzz.test.ts)
// also prove that refusals change no row; this one proves the whole stack (proxy.ts, Next's own
// decoding, the pages) on the production build.

const segments = [
  "%E0%A4%A",
  "%00",
  "%C0%AF",
  "%",
  "..%2F..%2Fetc",
  "__proto__",
  "x".repeat(3000),
  "%F0%9F%92%A9%EF%BF%BF",
];
const queries = ["?q=%00", "?%E0%A4%A=1", "?sort=__proto__&merchant[]=1&from=2026-02-30", `?to=${"%FF".repeat(500)}`];
const bodies = ["\u0000", '{"__proto__":{"admin":true}}', "a=%E0%A4%A&b=", "x".repeat(20_000)];

/** The app's route patterns ("/api/v1/orders/[number]"), and whether the file takes a POST. */
function routes(): { pattern: string; post: boolean }[] {
  const found: { pattern: string; post: boolean }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (name === "route.ts" || name === "page.tsx") {
        const pattern = `/${path.relative("app", dir)}`.replace(/\/$/, "").replace(/\/\([^)]+\)/g, "") || "/";
        found.push({
          pattern,
          post: name === "route.ts" && /export (async )?(function|const) POST\b/.test(readFileSync(file, "utf8")),
        });
      }
    }
  };
  walk("app");
  return found;
}

/** The pattern with its dynamic segments ([x], [...x]) replaced by `value`. */
const fill = (pattern: string, value: string) => pattern.replace(/\[(\.\.\.)?[^\]]+\]/g, value);

test("every route answers hostile segments, queries and bodies without a 5xx or internals", async ({
  request,
}, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "HTTP only: once is enough");
  test.setTimeout(300_000);
  const all = routes();
  expect(all.length, "the route files were found").toBeGreaterThan(30);
  const headers = { authorization: `Bearer ${demo().apiKey}`, "x-forwarded-for": "203.0.113.99" };
  const problems: string[] = [];
  const check = async (method: "GET" | "POST", url: string, body?: string) => {
    const response =
      method === "GET"
        ? await request.get(url, { headers, maxRedirects: 0 })
        : await request.post(url, {
            headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
            data: body,
            maxRedirects: 0,
          });
    const text = await response.text();
    if (response.status() >= 500 || /at \w+ \(|node_modules|DrizzleQueryError|Failed query/.test(text))
      problems.push(`${method} ${url.slice(0, 100)} → ${response.status()}: ${text.slice(0, 120)}`);
  };
  for (const { pattern, post } of all) {
    const dynamic = pattern.includes("[");
    for (const value of dynamic ? segments : [""]) {
      const url = dynamic ? fill(pattern, value) : pattern;
      await check("GET", url);
      if (post) for (const body of bodies) await check("POST", url, body);
    }
    const plain = fill(pattern, "1");
    for (const query of queries) await check("GET", `${plain}${query}`);
  }
  expect(problems).toEqual([]);
});
