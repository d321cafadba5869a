import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase, type TestDatabase } from "@/testing/db";
import { createMerchant, createSku, day, placeOrder } from "@/testing/fixtures";
import { serveRoutes } from "@/testing/http";
import { lookupLimits } from "@/lib/security/rate-limit";
import { POST } from "./route";

let database: TestDatabase;
let server: { url: string; close: () => Promise<void> };
beforeAll(async () => {
  database = await useFreshDatabase();
  const m = await createMerchant(database.db);
  await createSku(database.db, m.id, { code: "MUG" });
  await placeOrder(database.db, m.id, "#1001", [{ sku: "MUG", quantity: 1 }], day(0), "maya@example.com");
  server = await serveRoutes([{ method: "POST", path: "/lookup", handler: POST }]);
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

  it("asks for both fields with a sentence", async () => {
    const answer = await lookup({ number: "", email: "maya@example.com" }, { json: true, ip: "10.0.0.3" });
    expect(answer.status).toBe(422);
    expect(JSON.parse(answer.body).message).toBe("Enter your order number.");
  });

  it("slows down guessing, per email and per address, with a calm message", async () => {
    let last;
    for (let i = 0; i <= lookupLimits.perEmail.limit; i++) {
      last = await lookup({ number: `#${5000 + i}`, email: "target@example.com" }, { json: true, ip: `10.1.0.${i}` });
    }
    expect(last!.status).toBe(429);
    expect(JSON.parse(last!.body).message).toMatch(/Please wait a few minutes/);
    expect(Number(last!.headers["retry-after"])).toBeGreaterThan(0);
    // The real owner from another address is slowed too: the limit is on the email being guessed.
    expect(
      (await lookup({ number: "#1001", email: "target@example.com" }, { json: true, ip: "10.9.9.9" })).status,
    ).toBe(429);

    for (let i = 0; i <= lookupLimits.perIp.limit; i++) {
      last = await lookup({ number: "#1", email: `guess${i}@example.com` }, { json: true, ip: "10.2.0.1" });
    }
    expect(last!.status).toBe(429);
  });
});
