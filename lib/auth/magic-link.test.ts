import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { verificationTokens } from "../db/schema/auth";
import { fileDatabase } from "../../testing/db";
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
});
