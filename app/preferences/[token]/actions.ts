import { linkAction } from "@/app/callers";
import { db } from "@/lib/db/client";
import { readPreferencesToken } from "@/lib/notifications/links";
import { savePreferences } from "@/lib/notifications/preferences";
import { parsePreferences } from "./inputs";

/**
 * Saves a shopper's email choices. The signed token in the form is the identity: it was mailed to
 * that address and names it; a changed or made-up token is refused.
 */
export const savePreferencesAction = linkAction(
  "saving email preferences",
  parsePreferences,
  readPreferencesToken,
  "This link is not valid any more. Open the preferences link in one of our emails again.",
  async ({ allOrders, order: choice }, link) => {
    await savePreferences(db(), {
      email: link.email,
      allOrders: allOrders === "yes",
      order:
        link.orderId && choice
          ? { id: link.orderId, choice: choice === "follow" ? null : choice === "yes" }
          : undefined,
      now: new Date(),
    });
    return { message: "Saved. Your choices apply from now on, to emails already on their way too." };
  },
);
