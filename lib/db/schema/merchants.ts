import { sql } from "drizzle-orm";
import { boolean, check, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** A shop whose shoppers we serve. Every merchant-scoped row elsewhere carries `merchantId`. */
export const merchants = pgTable(
  "merchants",
  {
    id: uuid().primaryKey().defaultRandom(),
    slug: text().notNull().unique(),
    name: text().notNull(),
    brandColor: text().notNull().default("#1f2937"),
    logoUrl: text(),
    supportEmail: text().notNull(),
    /** IANA zone; dates are stored in UTC and shown in this zone. */
    timezone: text().notNull().default("UTC"),
    currency: text().notNull().default("USD"),
    /** Days between stock arriving and the parcel leaving. */
    handlingDays: integer().notNull().default(1),
    transitDaysMin: integer().notNull().default(2),
    transitDaysMax: integer().notNull().default(5),
    /** A later ship date moves by at least this many days before we email about it. */
    etaChangeThresholdDays: integer().notNull().default(2),
    /** Slip allowance for a supplier with fewer than three receipts. */
    defaultSlipDays: integer().notNull().default(5),
    /** Typical supplier lead time, used only for a guess labelled as such. */
    typicalLeadDays: integer().notNull().default(21),
    /** ETA changes inside this many minutes are gathered into one email per order. */
    gatherMinutes: integer().notNull().default(30),
    /** An earlier ship date moves by at least this many days before we email about it. */
    etaEarlierThresholdDays: integer().notNull().default(2),
    /** Emails the shop has turned off (lib/notifications/settings.ts says which may be). */
    emailsOff: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Whether ETA emails quote the supplier's note on a PO date change. */
    showPoNotes: boolean().notNull().default(false),
    /** The sender name on emails; null: the shop's name. */
    emailSenderName: text(),
    /** Where shoppers' replies go; null: the support email. */
    emailReplyTo: text(),
    shopifyShopDomain: text(),
    shopifySecret: text(),
    /** Kept during a secret rotation so webhooks signed with the old secret still verify. */
    shopifySecretPrevious: text(),
    /** The previous secret stops verifying then (a rotation has a deadline, not a to-do). */
    shopifySecretPreviousExpiresAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("merchants_slug_format", sql`${t.slug} ~ '^[a-z0-9][a-z0-9-]{0,62}$'`),
    check("merchants_brand_color_hex", sql`${t.brandColor} ~ '^#[0-9a-fA-F]{6}$'`),
    check("merchants_currency_code", sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check("merchants_handling_days", sql`${t.handlingDays} between 0 and 60`),
    check("merchants_transit_days", sql`${t.transitDaysMin} >= 0 and ${t.transitDaysMax} >= ${t.transitDaysMin}`),
    check("merchants_threshold", sql`${t.etaChangeThresholdDays} >= 0`),
    check("merchants_default_slip", sql`${t.defaultSlipDays} >= 0`),
    check("merchants_gather_minutes", sql`${t.gatherMinutes} >= 0`),
    check("merchants_earlier_threshold", sql`${t.etaEarlierThresholdDays} >= 1`),
  ],
);

export type Merchant = typeof merchants.$inferSelect;
export type NewMerchant = typeof merchants.$inferInsert;
