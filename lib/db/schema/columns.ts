import { bigint, foreignKey, timestamp, uuid, type AnyPgColumn } from "drizzle-orm/pg-core";
import { merchants } from "./merchants";

// The columns most tables share, written once. Each call makes a new column builder.

/** A random UUID primary key. */
export const id = () => uuid().primaryKey().defaultRandom();

/** A bigint identity primary key, for rows written often and read in the order written (events, the outbox). */
export const serialId = () => bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity();

/** The shop a row belongs to: every tenant table carries it, and every query filters on it. */
export const merchantId = () =>
  uuid()
    .notNull()
    .references(() => merchants.id);

/** A moment, stored with its time zone (UTC in practice). */
export const moment = () => timestamp({ withTimezone: true });

/** When the row was written (or, for updatedAt, last changed). */
export const now = () => moment().notNull().defaultNow();

/**
 * A reference to a row of the same shop: (merchant_id, column) → the target's (merchant_id, id), so
 * no row can point at another shop's. `.onDelete()` chains as on any foreign key.
 */
export const sameShopKey = (
  name: string,
  merchantId: AnyPgColumn,
  column: AnyPgColumn,
  target: { merchantId: AnyPgColumn; id: AnyPgColumn },
) => foreignKey({ name, columns: [merchantId, column], foreignColumns: [target.merchantId, target.id] });
