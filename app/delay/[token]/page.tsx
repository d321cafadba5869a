import type { Metadata } from "next";
import Link from "next/link";
import { ShopperShell } from "@/components/shopper-shell";
import { shipsPhrase } from "@/lib/dates";
import { db } from "@/lib/db/client";
import { delayNoticeView, expiredLinkSentence, type DelayNoticeView } from "@/lib/notifications/consent";
import { isWaiting } from "@/lib/orders/line-status";
import { readDelayToken } from "@/lib/notifications/links";
import { viewLinkUrl } from "@/lib/links/view-link";
import { DelayAnswerForm } from "./answer-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Your delayed item", robots: { index: false } };

function When({ start, end }: { start: string | null; end: string | null }) {
  if (!start || !end) return <>The supplier has not given a date yet.</>;
  return <>{shipsPhrase(start, end)}.</>;
}

/** Why this notice offers no answer any more: what happened, and where to go instead. */
function closedSentence(notice: DelayNoticeView): string {
  if (notice.expired) return expiredLinkSentence;
  if (notice.lineStatus === "shipped") return "It has shipped, so there is nothing left to decide.";
  if (notice.consentState === "expired")
    return "It was cancelled because we did not hear from you before the deadline. The shop refunds you in full.";
  if (notice.response === "cancel") return "You cancelled it. The shop refunds you to the way you paid.";
  if (notice.response === "keep_waiting")
    return isWaiting(notice.lineStatus)
      ? "You chose to keep waiting. If you change your mind, you can cancel it on your order page until it ships."
      : "You chose to keep waiting; it is no longer waiting, so there is nothing left to decide.";
  if (!notice.latest)
    return isWaiting(notice.lineStatus)
      ? "A newer delay notice replaced this one: please answer the latest email, or see the whole order below."
      : "A newer delay notice replaced this one, and it is no longer waiting.";
  return "It is no longer waiting, so there is nothing left to decide.";
}

// GET /delay/{token} — the answer page of a delay notice. Opening it changes nothing (mail
// scanners open links); the shopper answers with a button, which posts the server action.
export default async function DelayPage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Promise<{ choice?: string }>;
}) {
  const token = decodeURIComponent((await params).token);
  const { choice } = await searchParams;
  const link = readDelayToken(token);
  const notice = link ? await delayNoticeView(db(), link.noticeId) : null;
  if (!notice) {
    return (
      <ShopperShell>
        <div className="space-y-4">
          <h1 className="text-2xl font-bold">This link does not open a delay notice</h1>
          <p className="max-w-prose text-stone-700">
            It may be incomplete: try the button in our email again, or look your order up.
          </p>
          <Link href="/" className="font-semibold underline">
            Look up an order
          </Link>
        </div>
      </ShopperShell>
    );
  }
  const preferred = choice === "cancel" ? "cancel" : choice === "keep" ? "keep" : null;
  const closed = !notice.canKeepWaiting && !notice.canCancel;
  return (
    <ShopperShell brand={notice.merchant}>
      <div className="space-y-6">
        <header className="space-y-2">
          <p className="text-sm font-medium text-stone-600">Order {notice.orderNumber}</p>
          <h1 className="text-2xl font-bold">{notice.title} is delayed</h1>
        </header>
        <section aria-labelledby="dates-heading" className="space-y-2 rounded-xl border border-stone-200 bg-white p-4">
          <h2 id="dates-heading" className="font-semibold">
            Where it stands
          </h2>
          <p>
            <When start={notice.shipStart} end={notice.shipEnd} />
          </p>
          {notice.consentDeadline && notice.consentState === "awaiting" ? (
            <p className="font-medium">
              Please answer by {notice.deadlineText}. Without an answer by then, we cancel it and the shop refunds you
              in full.
            </p>
          ) : null}
          {notice.kind === "first" && !notice.consentDeadline ? (
            <p className="text-stone-700">If the new date works for you, there is nothing to do: we keep your order.</p>
          ) : null}
        </section>
        {closed ? (
          // A status: right after an answer, this is what replaces the buttons, and it is announced.
          <p role="status" className="rounded-lg bg-stone-100 px-4 py-3">
            {closedSentence(notice)}
          </p>
        ) : (
          <DelayAnswerForm
            token={token}
            canKeepWaiting={notice.canKeepWaiting}
            canCancel={notice.canCancel}
            preferred={preferred}
            title={notice.title}
          />
        )}
        <p>
          {notice.expired ? (
            <Link href="/" className="font-semibold text-[var(--brand-accent)] underline">
              Look up an order
            </Link>
          ) : (
            <a href={viewLinkUrl(notice.orderId)} className="font-semibold text-[var(--brand-accent)] underline">
              See the whole order
            </a>
          )}
        </p>
      </div>
    </ShopperShell>
  );
}
