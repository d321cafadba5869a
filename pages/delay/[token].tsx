import type { GetServerSideProps, PageConfig } from "next";
import Link from "next/link";
import { FormResult, ShopperShell } from "@/components/shopper-shell";
import { UnopenedLink } from "@/components/not-found";
import { pack, unpack } from "@/components/page-data";
import { pageFlash, pageNonce, pageReads, privatePage } from "@/components/shopper-page";
import { shipsPhrase } from "@/lib/dates";
import type { Flash } from "@/lib/links/flash";
import { delayNoticeView, expiredLinkSentence, type DelayNoticeView } from "@/lib/notifications/consent";
import { isWaiting } from "@/lib/orders/line-status";
import { readDelayToken } from "@/lib/notifications/links";
import { viewLinkUrl } from "@/lib/links/view-link";

export const config: PageConfig = { runtime: "nodejs", unstable_runtimeJS: false };

type Props =
  | { found: false }
  | {
      found: true;
      token: string;
      notice: string;
      viewUrl: string;
      preferred: "keep" | "cancel" | null;
      /** Why the notice offers no answer any more, or null while it can be answered. */
      closed: string | null;
      flash: Flash | null;
      nonce: string | null;
    };

export const getServerSideProps: GetServerSideProps<Props, { token: string }> = async (context) => {
  privatePage(context);
  const token = decodeURIComponent(context.params!.token);
  const link = readDelayToken(token);
  const notice = link ? await pageReads(context)((db) => delayNoticeView(db, link.noticeId)) : null;
  if (!notice) return { props: { found: false } };
  const choice = context.query.choice;
  return {
    props: {
      found: true,
      token,
      notice: pack(notice),
      viewUrl: viewLinkUrl(notice.orderId),
      preferred: choice === "cancel" ? "cancel" : choice === "keep" ? "keep" : null,
      closed: !notice.canKeepWaiting && !notice.canCancel ? closedSentence(notice) : null,
      flash: pageFlash(context),
      nonce: pageNonce(context),
    },
  };
};

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

/** The two answers, each its own button; the one the email link chose comes first. */
function AnswerForm({
  token,
  canKeepWaiting,
  canCancel,
  preferred,
  title,
}: {
  token: string;
  canKeepWaiting: boolean;
  canCancel: boolean;
  preferred: "keep" | "cancel" | null;
  title: string;
}) {
  const keep = canKeepWaiting ? (
    <button
      key="keep"
      type="submit"
      name="answer"
      value="keep_waiting"
      className={`w-full rounded-lg px-4 py-3 font-semibold sm:w-auto ${preferred !== "cancel" ? "bg-brand text-brand-ink hover:opacity-90" : "border border-stone-400 bg-white text-stone-900 hover:bg-stone-50"} disabled:opacity-70`}
    >
      Keep waiting for {title}
    </button>
  ) : null;
  const cancel = canCancel ? (
    <button
      key="cancel"
      type="submit"
      name="answer"
      value="cancel"
      className={`w-full rounded-lg px-4 py-3 font-semibold sm:w-auto ${preferred === "cancel" ? "bg-brand text-brand-ink hover:opacity-90" : "border border-stone-400 bg-white text-stone-900 hover:bg-stone-50"} disabled:opacity-70`}
    >
      Cancel {title}
    </button>
  ) : null;
  return (
    <form method="post" action={`/delay/${token}/answer`} data-pending="Saving your answer…" className="space-y-4">
      <div className="flex flex-col gap-3 sm:flex-row">{preferred === "cancel" ? [cancel, keep] : [keep, cancel]}</div>
    </form>
  );
}

// GET /delay/{token} — the answer page of a delay notice. Opening it changes nothing (mail
// scanners open links); the shopper answers with a button, which posts to /delay/{token}/answer.
export default function DelayPage(props: Props) {
  if (!props.found) {
    return (
      <UnopenedLink
        title="Your delayed item"
        heading="This link does not open a delay notice"
        reason="It may be incomplete: try the button in our email again, or look your order up."
      />
    );
  }
  const { token, preferred, closed, flash, viewUrl, nonce } = props;
  const notice = unpack<DelayNoticeView>(props.notice);
  return (
    <ShopperShell title="Your delayed item" noindex brand={notice.merchant} script={{ nonce }}>
      <div className="space-y-6">
        <header className="space-y-2">
          <p className="text-sm font-medium text-stone-600">Order {notice.orderNumber}</p>
          <h1 className="text-2xl font-bold">{notice.title} is delayed</h1>
        </header>
        <FormResult flash={flash} />
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
          // Announced when it is news; right after an answer, the answer's own sentence (above) is.
          <p role={flash ? undefined : "status"} className="rounded-lg bg-stone-100 px-4 py-3">
            {closed}
          </p>
        ) : (
          <AnswerForm
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
            <a href={viewUrl} className="font-semibold text-[var(--brand-accent)] underline">
              See the whole order
            </a>
          )}
        </p>
      </div>
    </ShopperShell>
  );
}
