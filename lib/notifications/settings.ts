import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Actor } from "../audit/actor";
import { writeAudit } from "../audit/log";
import type { DbOrTx } from "../db/client";
import { merchants } from "../db/schema/merchants";
import { transaction } from "../db/transaction";
import { DomainError } from "../errors";
import { headerText } from "../security/text";

// A shop's notification settings, changed without SQL: by admins in the support console and by
// the shop's systems through PATCH /api/v1/settings/notifications. Both go through
// updateNotificationSettings, so both are validated and audited alike. Every setting is read when
// it is used (the gathering window when a change is queued, thresholds when a window closes,
// emails, sender and reply-to when an email is sent), so a change applies from the next gathering.

/**
 * The emails a shop may turn off. Delay notices (the mail-order rule), cancellations and swaps
 * (money moves) always go.
 */
export const optionalEmails = ["backordered", "eta_moved", "eta_confirmed", "shipped"] as const;
export type OptionalEmail = (typeof optionalEmails)[number];

export const notificationSettingsSchema = z
  .object({
    gatherMinutes: z.number().int().min(0).max(1440).describe("ETA changes inside this many minutes make one email"),
    etaLaterThresholdDays: z
      .number()
      .int()
      .min(0)
      .max(60)
      .describe("A later ship date is emailed when it moves by at least this many days (0: any day)"),
    etaEarlierThresholdDays: z
      .number()
      .int()
      .min(1)
      .max(60)
      .describe("An earlier ship date is emailed when it moves by at least this many days"),
    emailsOff: z
      .array(z.enum(optionalEmails))
      .max(optionalEmails.length)
      .describe("Emails not sent; delay notices, cancellations and swaps cannot be turned off"),
    showPoNotes: z.boolean().describe("ETA emails quote the supplier's note on a PO date change"),
    senderName: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .nullable()
      .describe("The sender name on emails; null: the shop's name"),
    replyTo: z
      .email({ error: "must be an email address" })
      .max(254)
      .nullable()
      .describe("Where shoppers' replies go; null: the support email"),
  })
  .strict();

export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;

/** A change: any of the settings, at least one. */
export const notificationSettingsPatchSchema = notificationSettingsSchema
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, { error: "name at least one setting to change" });
export type NotificationSettingsPatch = z.infer<typeof notificationSettingsPatchSchema>;

type MerchantRow = typeof merchants.$inferSelect;

function settingsOf(m: MerchantRow): NotificationSettings {
  return {
    gatherMinutes: m.gatherMinutes,
    etaLaterThresholdDays: m.etaChangeThresholdDays,
    etaEarlierThresholdDays: m.etaEarlierThresholdDays,
    emailsOff: m.emailsOff.filter((k): k is OptionalEmail => (optionalEmails as readonly string[]).includes(k)),
    showPoNotes: m.showPoNotes,
    senderName: m.emailSenderName,
    replyTo: m.emailReplyTo,
  };
}

export async function getNotificationSettings(db: DbOrTx, merchantId: string): Promise<NotificationSettings> {
  const [m] = await db.select().from(merchants).where(eq(merchants.id, merchantId));
  if (!m) throw new DomainError("not_found", "That shop was not found.");
  return settingsOf(m);
}

/**
 * Changes some of a shop's notification settings, validated (a bad value names its field) and
 * audited with what it was and what it became. Returns all the settings as they now are.
 */
export async function updateNotificationSettings(
  db: DbOrTx,
  params: { merchantId: string; patch: unknown; actor: Actor; now: Date },
): Promise<NotificationSettings> {
  const parsed = notificationSettingsPatchSchema.safeParse(params.patch);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.map(String).join(".") : undefined;
    throw new DomainError("invalid", field ? `${field} ${issue.message}` : issue.message, field);
  }
  const patch = parsed.data;
  return transaction(db, async (tx) => {
    const [m] = await tx.select().from(merchants).where(eq(merchants.id, params.merchantId)).for("update");
    if (!m) throw new DomainError("not_found", "That shop was not found.");
    const before = settingsOf(m);
    const after: NotificationSettings = {
      ...before,
      ...patch,
      ...(patch.emailsOff ? { emailsOff: [...new Set(patch.emailsOff)].sort() } : {}),
      ...(patch.senderName !== undefined ? { senderName: patch.senderName && headerText(patch.senderName) } : {}),
    };
    if (after.senderName === "") throw new DomainError("invalid", "senderName has no printable text", "senderName");
    const changed = (Object.keys(after) as (keyof NotificationSettings)[]).filter(
      (k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]),
    );
    if (changed.length === 0) return before;
    await tx
      .update(merchants)
      .set({
        gatherMinutes: after.gatherMinutes,
        etaChangeThresholdDays: after.etaLaterThresholdDays,
        etaEarlierThresholdDays: after.etaEarlierThresholdDays,
        emailsOff: after.emailsOff,
        showPoNotes: after.showPoNotes,
        emailSenderName: after.senderName,
        emailReplyTo: after.replyTo,
      })
      .where(eq(merchants.id, m.id));
    await writeAudit(tx, params.actor, params.now, [
      {
        merchantId: m.id,
        action: "settings.notifications_changed",
        entityType: "merchant",
        entityId: m.id,
        before: Object.fromEntries(changed.map((k) => [k, before[k]])),
        after: Object.fromEntries(changed.map((k) => [k, after[k]])),
      },
    ]);
    return after;
  });
}
