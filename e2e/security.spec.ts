import { networkInterfaces } from "node:os";
import { expect, request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import { demo, test } from "./support";
import { e2eMailboxToken } from "./mailbox-token";

// The security defaults, tried against the production build the way an attacker would: over HTTP,
// without a browser. Each test runs once (the desktop project); none depends on the screen.

const once = () => test.skip(test.info().project.name !== "desktop", "HTTP only: once is enough");

const port = Number(process.env.E2E_PORT ?? 3100);
const onPostgres = Boolean(process.env.DATABASE_URL);

/** This machine's address as other machines reach it (not loopback); without one, the test is skipped. */
function outsideAddress(): string {
  const outside = Object.values(networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .find((a) => a.family === "IPv4" && !a.internal)?.address;
  test.skip(outside === undefined, "this machine has no non-loopback address to come from");
  return outside!;
}

/** A client with no mailbox password, seen by the app (which trusts loopback proxies) as `address`. */
async function stranger(baseURL: string, address: string): Promise<APIRequestContext> {
  return playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": address } });
}

test("the dev mailbox is never readable anonymously from another machine, whatever the headers say", async ({
  baseURL,
}) => {
  once();
  const outside = outsideAddress();
  // Plain fetch: Playwright's request contexts answer the mailbox's challenge with the test password.
  const remote = `http://${outside}:${port}`;
  // A forwarded header claiming loopback is anyone's to write: it must not open the mailbox.
  const refused = await fetch(`${remote}/dev/mailbox?to=admin%40example.com`, {
    headers: { "x-forwarded-for": "127.0.0.1" },
    redirect: "manual",
  });
  expect(refused.status).toBe(401);
  expect(await refused.text()).not.toContain("sign-in link");
  // The token opens it from anywhere.
  const basic = `Basic ${Buffer.from(`staff:${e2eMailboxToken}`).toString("base64")}`;
  expect((await fetch(`${remote}/dev/mailbox`, { headers: { authorization: basic } })).status).toBe(200);
  // From this machine without the token: the embedded demo answers (its own browser), PostgreSQL does not.
  expect((await fetch(`${baseURL}/dev/mailbox`, { redirect: "manual" })).status).toBe(onPostgres ? 401 : 200);
});

test("rate limits count the connection's address: a forwarded header from an untrusted client changes nothing", async ({
  baseURL,
}) => {
  once();
  const outside = outsideAddress();
  // The plain form's answer: a redirect whose address says what happened (`?lookup=slow_down`).
  const lookup = (from: string, forwarded: string) =>
    fetch(`${from}/lookup`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": forwarded },
      body: new URLSearchParams({ number: "#NO-SUCH", email: "nobody@example.com" }),
      redirect: "manual",
    }).then((r) => new URL(r.headers.get("location") ?? "/", from).searchParams.get("lookup"));
  // From another machine (not a trusted proxy): 25 lookups, each claiming a new address, are one
  // client, and it is slowed down after 20.
  const answers: (string | null)[] = [];
  for (let i = 0; i < 25; i++) answers.push(await lookup(`http://${outside}:${port}`, `192.0.2.${100 + i}`));
  expect(answers.slice(0, 20)).not.toContain("slow_down");
  expect(answers.slice(20)).toEqual(Array(5).fill("slow_down"));
  // Through the trusted proxy (loopback here), the forwarded address is the client: a new one is not limited.
  expect(await lookup(baseURL!, "198.18.0.77")).not.toBe("slow_down");
});

test("Auth.js's own sign-in route counts against the sign-in limit: the sixth link for one email is not sent", async ({
  baseURL,
  request,
}) => {
  once();
  const email = `limit-probe-${Date.now()}@example.com`;
  const client = await stranger(baseURL!, "203.0.113.71");
  const { csrfToken } = (await (await client.get("/api/auth/csrf")).json()) as { csrfToken: string };
  for (let i = 0; i < 7; i++) {
    const response = await client.post("/api/auth/signin/email", {
      form: { email, csrfToken, callbackUrl: `${baseURL}/orders` },
      maxRedirects: 0,
    });
    expect(response.status(), "never a 5xx").toBeLessThan(500);
  }
  await expect(async () => {
    const html = await (await request.get(`/dev/mailbox?to=${encodeURIComponent(email)}`)).text();
    // One link per mail in the list (the subject also appears in the page's data; the previews link is not a mail).
    expect(html.match(/href="\/dev\/mailbox\/(?!previews)[^"]+"/g) ?? []).toHaveLength(5);
  }).toPass({ timeout: 15_000 });
  await client.dispose();
});

test("forty 50 MB lookups at once are refused unread, and the site keeps answering within a second", async ({
  baseURL,
  request,
}) => {
  once();
  const body = Buffer.alloc(50 * 1024 * 1024, "a");
  const flood = Array.from({ length: 40 }, (_, i) =>
    fetch(`${baseURL}/lookup`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": `198.51.100.${i + 1}` },
      body,
    }).then(
      (response) => response.status,
      // The app answers 413 and closes the connection without reading the rest: the client may see
      // the socket close while it is still sending.
      () => "closed" as const,
    ),
  );
  const timings: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const health = await request.get("/api/health");
    timings.push(performance.now() - started);
    expect(health.status()).toBe(200);
  }
  const statuses = await Promise.all(flood);
  expect(statuses.filter((s) => s !== 413 && s !== "closed")).toEqual([]);
  expect(Math.min(...timings), `health answered in ${timings.map(Math.round).join(", ")} ms`).toBeLessThan(1000);
});

test("malformed paths and queries are a 400 with a sentence (JSON naming the field on the API), never a 500", async ({
  request,
}) => {
  once();
  for (const path of ["/o/%E0%A4%A", "/orders/%E0%A4%A", "/delay/%E0%A4%A", "/signin/confirm?email=%00"]) {
    const response = await request.get(path, { maxRedirects: 0 });
    expect(response.status(), path).toBeGreaterThanOrEqual(400);
    expect(response.status(), path).toBeLessThan(500);
    expect(await response.text(), path).not.toMatch(/Internal Server Error|at .*\(.*:\d+:\d+\)/);
  }
  const api = await request.get("/api/v1/orders/%E0%A4%A", { headers: { authorization: `Bearer ${demo().apiKey}` } });
  expect(api.status()).toBe(400);
  expect(((await api.json()) as { error: { field?: string } }).error.field).toBeTruthy();
});

test("every kind of response carries the security headers: a nonce for scripted pages, no script for the rest", async ({
  request,
}) => {
  once();
  // An App Router page (the dev mailbox, which this test's credentials open): Next's scripts.
  const page = await request.get("/dev/mailbox");
  const pagePolicy = page.headers()["content-security-policy"] ?? "";
  expect(pagePolicy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(pagePolicy).toContain("frame-ancestors 'none'");
  // The nonce is this response's own: the page's scripts carry it, and the next response has another.
  const nonce = /'nonce-([^']+)'/.exec(pagePolicy)![1]!;
  expect(await page.text()).toContain(`nonce="${nonce}"`);
  expect((await request.get("/dev/mailbox")).headers()["content-security-policy"]).not.toContain(nonce);
  // A read-only shopper page ships no script at all; a page with a form (the lookup on the home
  // page) ships only forms.js, with this response's nonce (its pending state: e2e/pending-states.spec.ts).
  const readOnly = await request.get("/signin/check-email");
  expect(readOnly.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(await readOnly.text()).not.toContain("<script");
  const home = await request.get("/");
  expect(home.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  const homeNonce = /'nonce-([^']+)'/.exec(home.headers()["content-security-policy"] ?? "")?.[1];
  expect([...(await home.text()).matchAll(/<script[^>]*>/g)].map((m) => m[0])).toEqual([
    `<script src="/js/forms.js" defer="" nonce="${homeNonce}">`,
  ]);
  for (const path of ["/api/health", "/api/v1/openapi.json"]) {
    const headers = (await request.get(path)).headers();
    expect(headers["content-security-policy"], path).toContain("script-src 'none'");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
  }
  const missing = await request.get("/no-such-page");
  expect(missing.status()).toBe(404);
  expect(missing.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  // The browser asks every page for /favicon.ico: an icon, not a 404 in the console.
  const icon = await request.get("/favicon.ico");
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toMatch(/^image\//);
  expect((await icon.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
  // Served over plain http here: no HSTS (it would pin a browser to https the app does not have).
  expect(home.headers()["strict-transport-security"]).toBeUndefined();
});
