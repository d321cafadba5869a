import type { OrderAnswer as Answer } from "@/lib/orders/answer";
import { formatDay } from "@/lib/dates";

/**
 * The order's answer at a glance, above its items: its state and when everything comes, the facts
 * behind that, and any later date that waits for the shopper's answer (with where to give it).
 */
export function OrderAnswer({ answer, answerUrl }: { answer: Answer; answerUrl: (lineId: number) => string | null }) {
  return (
    <section
      aria-labelledby="answer-heading"
      className="space-y-2 rounded-xl border-l-4 border-[var(--brand-accent)] bg-white p-4 shadow-sm sm:p-5"
    >
      <h2 id="answer-heading" className="text-xl leading-snug font-bold">
        {answer.headline}
      </h2>
      {answer.details.map((detail) => (
        <p key={detail} className="text-stone-700">
          {detail}
        </p>
      ))}
      {answer.needsAnswer.map((need) => {
        const url = answerUrl(need.lineId);
        return (
          <p key={need.lineId} className="rounded-lg bg-amber-50 p-3 font-medium text-amber-950">
            {need.title} has a later date that needs your answer by {formatDay(need.deadline)}: without one, it is
            cancelled and refunded.{" "}
            {url ? (
              <a href={url} className="underline">
                Keep waiting or cancel
              </a>
            ) : (
              "The email we sent has the choice."
            )}
          </p>
        );
      })}
    </section>
  );
}
