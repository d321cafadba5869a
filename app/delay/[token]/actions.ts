import { linkAction } from "@/app/callers";
import { db } from "@/lib/db/client";
import { answerDelayNotice } from "@/lib/notifications/consent";
import { readDelayToken } from "@/lib/notifications/links";
import { parseDelayAnswer } from "./inputs";

/**
 * The shopper's answer to a delay notice: only this button press acts, never opening the link, so
 * a mail scanner cannot answer for them. The signed token names the notice and is the identity.
 */
export const answerDelayAction = linkAction(
  "delay answer",
  parseDelayAnswer,
  readDelayToken,
  "This link is not valid any more. Open the link in our email again.",
  async ({ answer }, link) => {
    const result = await answerDelayNotice(db(), { noticeId: link.noticeId, answer, now: new Date() });
    return {
      message:
        result.answer === "keep_waiting"
          ? `Thank you: we keep ${result.title} on your order. We will email you when it ships; until then you can still cancel it on your order page.`
          : `Cancelled ${result.title}. We have emailed you a confirmation; the shop refunds you to the way you paid.`,
    };
  },
);
