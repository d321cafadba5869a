import { timestamp, uuid } from "drizzle-orm/pg-core";
import { merchants } from "./merchants";

// The columns most tables share, written once. Each call makes a new column builder.

/** A random UUID primary key. */
export const id = () => uuid().primaryKey().defaultRandom();

/** The shop a row belongs to: every tenant table carries it, and every query filters on it. */
export const merchantId = () =>
  uuid()
    .notNull()
    .references(() => merchants.id);

/** A moment, stored with its time zone (UTC in practice). */
export const moment = () => timestamp({ withTimezone: true });

/** When the row was written (or, for updatedAt, last changed). */
export const now = () => moment().notNull().defaultNow();
