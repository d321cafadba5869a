// GET/PATCH /api/v1/settings/notifications — the shop's notification settings: gathering window,
// ETA thresholds, which emails are on, sender name and reply-to. A change is audited and applies
// from the next gathering.
import { apiGet, apiPost } from "@/lib/api/http";
import { db } from "@/lib/db/client";
import {
  getNotificationSettings,
  notificationSettingsPatchSchema,
  notificationSettingsSchema,
  updateNotificationSettings,
} from "@/lib/notifications/settings";

export const GET = apiGet({
  output: notificationSettingsSchema,
  async handle({ caller }) {
    return { status: 200, body: await getNotificationSettings(db(), caller.merchantId) };
  },
});

export const PATCH = apiPost({
  input: notificationSettingsPatchSchema,
  output: notificationSettingsSchema,
  async handle(tx, { caller, actor, input, now }) {
    const settings = await updateNotificationSettings(tx, { merchantId: caller.merchantId, patch: input, actor, now });
    return { status: 200, body: settings };
  },
});
