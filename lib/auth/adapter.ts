import { DrizzleAdapter } from "@auth/drizzle-adapter";
import type { Adapter } from "next-auth/adapters";
import type { Db } from "../db/client";
import { accounts, sessions, users, verificationTokens } from "../db/schema/auth";

// Auth.js's own Drizzle adapter over our tables: auth.ts signs people in with it, and the shopper
// pages read sessions through it (lib/auth/session.ts), so both see the same rows the same way.

export const sessionMaxAgeSeconds = 30 * 24 * 60 * 60;
/** As Auth.js: a session's expiry moves forward at most once a day, not on every request. */
export const sessionUpdateAgeSeconds = 24 * 60 * 60;

const adapters = new WeakMap<Db, Adapter>();

/** One adapter per database client: building it costs more than the session read it serves. */
export function authAdapter(db: Db): Adapter {
  let adapter = adapters.get(db);
  if (!adapter) {
    adapter = DrizzleAdapter(db, {
      usersTable: users,
      accountsTable: accounts,
      sessionsTable: sessions,
      verificationTokensTable: verificationTokens,
    });
    adapters.set(db, adapter);
  }
  return adapter;
}
