import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase, type TestDatabase } from "@/testing/db";
import { createMerchant, createSku, day, placeOrder } from "@/testing/fixtures";
import { appRoutes, serveRoutes } from "@/testing/http";
import { lookupLimits } from "@/lib/security/rate-limit";
import { listMailbox } from "@/lib/email/mailbox";

// The tests play the proxy in front of the app: X-Forwarded-For from the loopback socket is believed.
process.env.TRUSTED_PROXIES = "loopback";

let database: TestDatabase;
let server: { url: string; close: () => Promise<void> };
beforeAll(async () => {
  database = await useFreshDatabase();
  const m = await createMerchant(database.db);
  await createSku(database.db, m.id, { code: "MUG" });
  await placeOrder(database.db, m.id, "#1001", [{ sku: "MUG", quantity: 1 }], day(0), "maya@example.com");
  server = await serveRoutes(await appRoutes("lookup"));
});
afterAll(async () => {
  await server.close();
  await database.close();
});

async function lookup(body: Record<string, string>, options: { json: boolean; ip: string }) {
  const response = await fetch(`${server.url}/lookup`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "x-forwarded-for": options.ip,
      ...(options.json
        ? { "content-type": "application/json", accept: "application/json" }
        : { "content-type": "application/x-www-form-urlencoded" }),
    },
    body: options.json ? JSON.stringify(body) : new URLSearchParams(body).toString(),
  });
  const headers = Object.fromEntries([...response.headers].filter(([name]) => name !== "date"));
  return { status: response.status, headers, body: await response.text() };
}

describe("order lookup", () => {
  it("finds an order by number (with or without #) and email in any case", async () => {
    for (const number of ["#1001", "1001", " #1001 "]) {
      const found = await lookup({ number, email: "MAYA@example.com" }, { json: true, ip: "10.0.0.1" });
      expect(found.status).toBe(200);
      expect(JSON.parse(found.body).url).toMatch(/^\/o\/[\w-]+\.[\w-]+$/);
    }
    const redirect = await lookup({ number: "1001", email: "maya@example.com" }, { json: false, ip: "10.0.0.1" });
    expect(redirect.status).toBe(303);
    expect(redirect.headers.location).toMatch(/^\/o\//);
  });

  it("answers a wrong email and a missing order byte for byte the same", async () => {
    for (const json of [true, false]) {
      const wrongEmail = await lookup({ number: "#1001", email: "someone@example.com" }, { json, ip: "10.0.0.2" });
      const missing = await lookup({ number: "#4040", email: "someone@example.com" }, { json, ip: "10.0.0.2" });
      expect(missing).toEqual(wrongEmail);
      expect(wrongEmail.status).toBe(json ? 404 : 303);
    }
  });

  it("asks for both fields with a sentence, never zod's own words, whatever is missing", async () => {
    const answer = await lookup({ number: "", email: "maya@example.com" }, { json: true, ip: "10.0.0.3" });
    expect(answer.status).toBe(422);
    expect(JSON.parse(answer.body)).toMatchObject({ field: "number", message: "Enter your order number." });
    for (const [body, field] of [
      [{ email: "maya@example.com" }, "number"],
      [{ number: "#1001" }, "email"],
      [{ number: "#1001", email: "not an email" }, "email"],
    ] as const) {
      const missing = await lookup(body, { json: true, ip: "10.0.0.3" });
      expect(missing.status).toBe(422);
      const { message, field: named } = JSON.parse(missing.body) as { message: string; field: string };
      expect(named).toBe(field);
      expect(message).toMatch(/^Enter /);
      expect(message).not.toMatch(/Invalid input|expected|received/);
    }
    const notJson = await fetch(`${server.url}/lookup`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", "x-forwarded-for": "10.0.0.3" },
      body: "{not json",
    });
    expect(notJson.status).toBe(422);
    expect(((await notJson.json()) as { message: string }).message).toBe("Enter your order number.");
  });

  it("refuses a body far larger than a lookup with 413 and a sentence, before reading it all", async () => {
    const answer = await lookup(
      { number: "#1001", email: "maya@example.com", pad: "x".repeat(20_000) },
      {
        json: true,
        ip: "10.0.0.4",
      },
    );
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).message).toMatch(/far larger than an order number/);
  });

  it("lets the shopper pick the shop when two shops have an order with that number and email", async () => {
    const other = await createMerchant(database.db, { slug: "lumen", name: "Lumen & Loom" });
    await createSku(database.db, other.id, { code: "MUG" });
    await placeOrder(database.db, other.id, "#2002", [{ sku: "MUG", quantity: 1 }], day(0), "sam@example.com");
    const m2 = await createMerchant(database.db, { slug: "acme", name: "Acme <Goods>" });
    await createSku(database.db, m2.id, { code: "MUG" });
    await placeOrder(database.db, m2.id, "#2002", [{ sku: "MUG", quantity: 1 }], day(0), "sam@example.com");
    const found = await lookup({ number: "2002", email: "sam@example.com" }, { json: true, ip: "10.0.0.5" });
    expect(found.status).toBe(200);
    const { url } = JSON.parse(found.body) as { url: string };
    expect(url).toMatch(/^\/lookup\/choose\?t=/);
    const page = await fetch(`${server.url}${url}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    // Both orders can be reached, each through its own view link; the shop names are escaped.
    expect(html.match(/href="\/o\/[\w-]+\.[\w-]+"/g)).toHaveLength(2);
    expect(html).toContain("Acme &lt;Goods&gt;");
    expect(html).toContain("Lumen &amp; Loom");
    expect((await fetch(`${server.url}/lookup/choose?t=forged`)).status).toBe(410);
  });

  it("slows guessing per address; many failures on one email send the link to that inbox instead of locking the shopper out", async () => {
    let last;
    for (let i = 0; i < lookupLimits.perEmail.limit; i++) {
      last = await lookup({ number: `#${5000 + i}`, email: "maya@example.com" }, { json: true, ip: `10.1.0.${i}` });
      expect(last.status).toBe(404);
    }
    // From now on nobody sees an order for this email on screen, right or wrong: same answer, and
    // the real shopper gets the link by email (strangers cannot lock them out of their order).
    const wrong = await lookup({ number: "#5999", email: "maya@example.com" }, { json: true, ip: "10.1.1.1" });
    const right = await lookup({ number: "#1001", email: "maya@example.com" }, { json: true, ip: "10.9.9.9" });
    expect(right).toEqual(wrong);
    expect(right.status).toBe(202);
    expect(JSON.parse(right.body).message).toMatch(/emailed its link/);
    const mail = await listMailbox(database.db, { to: "maya@example.com" });
    expect(mail.map((m) => m.subject)).toEqual(["The link to order #1001"]);

    for (let i = 0; i <= lookupLimits.perIp.limit; i++) {
      last = await lookup({ number: "#1", email: `guess${i}@example.com` }, { json: true, ip: "10.2.0.1" });
    }
    expect(last!.status).toBe(429);
  });
});
