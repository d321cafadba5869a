"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/lib/db/client";
import { isDomainError } from "@/lib/errors";
import { answerDelayNotice } from "@/lib/notifications/consent";
import { readDelayToken } from "@/lib/notifications/links";
import { parseDelayAnswer } from "./inputs";

export type DelayAnswerResult = { ok: true; message: string } | { ok: false; error: string };

/**
 * The shopper's answer to a delay notice: only this button press acts, never opening the link, so
 * a mail scanner cannot answer for them. The signed token names the notice and is the identity.
 */
export async function answerDelayAction(
  _previous: DelayAnswerResult | null,
  form: FormData,
): Promise<DelayAnswerResult> {
  const parsed = parseDelayAnswer(form);
  if (!parsed.ok) return parsed;
  const link = readDelayToken(parsed.data.token);
  if (!link) return { ok: false, error: "This link is not valid any more. Open the link in our email again." };
  try {
    const result = await answerDelayNotice(db(), {
      noticeId: link.noticeId,
      answer: parsed.data.answer,
      now: new Date(),
    });
    revalidatePath(`/delay/${parsed.data.token}`);
    return {
      ok: true,
      message:
        result.answer === "keep_waiting"
          ? `Thank you: we keep ${result.title} on your order. We will email you when it ships, and you can still cancel it until then.`
          : `Cancelled ${result.title}. We have emailed you a confirmation; the shop refunds you to the way you paid.`,
    };
  } catch (error) {
    if (isDomainError(error)) return { ok: false, error: error.message };
    console.error("delay answer failed", error);
    return {
      ok: false,
      error: "Something went wrong on our side and nothing was changed. Please try again in a moment.",
    };
  }
}
