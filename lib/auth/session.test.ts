import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sessions } from "../db/schema/auth";
import { fileDatabase } from "../../testing/db";
import { authAdapter, sessionMaxAgeSeconds, sessionUpdateAgeSeconds } from "./adapter";
import { readSession, refreshedCookie } from "./session";

const database = fileDatabase();
const now = new Date("2026-12-04T12:00:00Z");
const seconds = (n: number) => new Date(now.getTime() + n * 1000);

/** A signed-in shopper as Auth.js leaves one: a user and a database session expiring at `expires`. */
async function signedIn(email: string, expires: Date) {
  const adapter = authAdapter(database.db);
  const user = await adapter.createUser!({ id: crypto.randomUUID(), email, emailVerified: now });
  return adapter.createSession!({ sessionToken: crypto.randomUUID(), userId: user.id, expires });
}

describe("the shopper's session, read through Auth.js's adapter", () => {
  it("names the signed-in email, lower-case, and leaves a fresh session's cookie alone", async () => {
    const session = await signedIn("Maya@Example.com", seconds(sessionMaxAgeSeconds - 60));
    expect(await readSession(database.db, { "authjs.session-token": session.sessionToken }, now)).toEqual({
      email: "maya@example.com",
      refresh: null,
    });
  });

  it("is nobody without a cookie, with a made-up token, or once the session has expired", async () => {
    const expired = await signedIn("late@example.com", seconds(-1));
    expect(await readSession(database.db, {}, now)).toBeNull();
    expect(await readSession(database.db, { "authjs.session-token": "made-up" }, now)).toBeNull();
    expect(await readSession(database.db, { "authjs.session-token": expired.sessionToken }, now)).toBeNull();
    // Another cookie's name is not a session.
    const live = await signedIn("other@example.com", seconds(3600));
    expect(await readSession(database.db, { "next-auth.session-token": live.sessionToken }, now)).toBeNull();
  });

  it("moves the expiry forward at most once a day, and says which cookie to send back", async () => {
    // Last refreshed more than a day ago: due.
    const due = seconds(sessionMaxAgeSeconds - sessionUpdateAgeSeconds - 60);
    const session = await signedIn("sam@example.com", due);
    const read = await readSession(database.db, { "__Secure-authjs.session-token": session.sessionToken }, now);
    const expires = seconds(sessionMaxAgeSeconds);
    expect(read).toEqual({
      email: "sam@example.com",
      refresh: { name: "__Secure-authjs.session-token", value: session.sessionToken, expires, secure: true },
    });
    const [row] = await database.db.select().from(sessions).where(eq(sessions.sessionToken, session.sessionToken));
    expect(row!.expires).toEqual(expires);
    expect(refreshedCookie(read!.refresh!)).toBe(
      `__Secure-authjs.session-token=${session.sessionToken}; Path=/; Expires=${expires.toUTCString()}; HttpOnly; SameSite=Lax; Secure`,
    );
  });
});
