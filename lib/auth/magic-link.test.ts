import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { verificationTokens } from "../db/schema/auth";
import { fileDatabase } from "../../testing/db";
import { resetEnvCache } from "../env";
import { confirmUrl, magicLinkIsUsable } from "./magic-link";

const database = fileDatabase();

// Auth.js stores SHA-256(token + secret); the confirm page checks the same way before offering the button.
const stored = (token: string) => createHash("sha256").update(`${token}${process.env.AUTH_SECRET}`).digest("hex");

describe("magic links", () => {
  it("are usable only while unexpired and unused", async () => {
    const now = new Date("2026-11-26T12:00:00Z");
    await database.db.insert(verificationTokens).values([
      { identifier: "maya@example.com", token: stored("fresh"), expires: new Date(now.getTime() + 14 * 60_000) },
      { identifier: "maya@example.com", token: stored("stale"), expires: new Date(now.getTime() - 60_000) },
    ]);
    expect(await magicLinkIsUsable(database.db, { token: "fresh", email: "maya@example.com" }, now)).toBe(true);
    expect(await magicLinkIsUsable(database.db, { token: "stale", email: "maya@example.com" }, now)).toBe(false);
    expect(await magicLinkIsUsable(database.db, { token: "fresh", email: "someone@example.com" }, now)).toBe(false);
    expect(await magicLinkIsUsable(database.db, { token: "never-issued", email: "maya@example.com" }, now)).toBe(false);
    // Auth.js deletes the row when the link is used.
    await database.db.delete(verificationTokens).where(eq(verificationTokens.token, stored("fresh")));
    expect(await magicLinkIsUsable(database.db, { token: "fresh", email: "maya@example.com" }, now)).toBe(false);
  });

  it("point at the confirm page, never straight at the one-time callback", () => {
    const url = new URL(
      confirmUrl(
        "http://localhost:3000/api/auth/callback/email?callbackUrl=%2Forders&token=abc&email=maya%40example.com",
      ),
    );
    expect(url.pathname).toBe("/signin/confirm");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      token: "abc",
      email: "maya@example.com",
      callbackUrl: "/orders",
    });
  });

  describe("on which host", () => {
    const configured = process.env.APP_URL;
    afterEach(() => {
      if (configured === undefined) delete process.env.APP_URL;
      else process.env.APP_URL = configured;
      resetEnvCache();
    });
    const asked =
      "http://127.0.0.1:3400/api/auth/callback/email?callbackUrl=%2Forders&token=abc&email=maya%40example.com";

    it("without APP_URL, the host the sign-in was asked on (not localhost)", () => {
      delete process.env.APP_URL;
      resetEnvCache();
      expect(confirmUrl(asked)).toMatch(/^http:\/\/127\.0\.0\.1:3400\/signin\/confirm\?/);
    });

    it("with APP_URL, APP_URL whatever host was asked", () => {
      process.env.APP_URL = "https://orders.example.com";
      resetEnvCache();
      expect(confirmUrl(asked)).toMatch(/^https:\/\/orders\.example\.com\/signin\/confirm\?/);
    });
  });
});
