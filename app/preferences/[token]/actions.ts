"use server";

import { db } from "@/lib/db/client";
import { readPreferencesToken } from "@/lib/notifications/links";
import { savePreferences } from "@/lib/notifications/preferences";
import { parsePreferences } from "./inputs";

export type PreferencesResult = { ok: true; message: string } | { ok: false; error: string };

/**
 * Saves a shopper's email choices. The signed token in the form is the identity: it was mailed to
 * that address and names it; a changed or made-up token is refused.
 */
export async function savePreferencesAction(
  _previous: PreferencesResult | null,
  form: FormData,
): Promise<PreferencesResult> {
  const parsed = parsePreferences(form);
  if (!parsed.ok) return parsed;
  const link = readPreferencesToken(parsed.data.token);
  if (!link)
    return {
      ok: false,
      error: "This link is not valid any more. Open the preferences link in one of our emails again.",
    };
  try {
    const choice = parsed.data.order;
    await savePreferences(db(), {
      email: link.email,
      allOrders: parsed.data.allOrders === "yes",
      order:
        link.orderId && choice
          ? { id: link.orderId, choice: choice === "follow" ? null : choice === "yes" }
          : undefined,
      now: new Date(),
    });
    return { ok: true, message: "Saved. Your choices apply from now on, to emails already on their way too." };
  } catch (error) {
    console.error("saving email preferences failed", error);
    return {
      ok: false,
      error: "Something went wrong on our side and nothing was changed. Please try again in a moment.",
    };
  }
}
