import Link from "next/link";
import type { OrderView } from "@/lib/orders/view";
import type { SwapOption } from "@/lib/orders/swap";
import { readableAccent } from "@/lib/brand";
import { dateIn, formatDay } from "@/lib/dates";
import { isOpen, isWaiting, openUnits } from "@/lib/orders/line-status";
import { formatMoney, maskEmail } from "@/lib/orders/words";
import { orderAnswer, orderMoney } from "@/lib/orders/answer";
import { delayAnswerUrl } from "@/lib/notifications/links";
import { OrderAnswer } from "./order-answer";
import { FormResult } from "../shopper-shell";
import type { Flash } from "@/lib/links/flash";
import type { OpenConfirmation } from "./line-actions";
import { LineCard } from "./line-card";
import { OrderActions } from "./order-actions";

/** "Total $317.00 · $79.00 refunded": what the order cost and what of it comes back. */
function moneyLine(view: OrderView): string {
  const money = orderMoney(view.lines);
  const total = `Total ${formatMoney(money.paidMinor, view.order.currency)}`;
  return money.refundMinor > 0
    ? `${total} · ${formatMoney(money.refundMinor, view.order.currency)} refunded to your original payment`
    : total;
}

/** The order page, for its owner (with choices) or for a signed view link (read-only, masked). */
export function OrderDetails({
  view,
  mode,
  swapOptions,
  open: confirmation = { cancel: null, swap: null },
  flash = null,
}: {
  view: OrderView;
  mode: "owner" | "link";
  swapOptions: Map<number, SwapOption[]>;
  open?: OpenConfirmation;
  flash?: Flash | null;
}) {
  const { order, merchant, lines } = view;
  const accent = readableAccent(merchant.brandColor, "#ffffff");
  const waiting = lines.filter((l) => isWaiting(l.status));
  const open = lines.filter((l) => isOpen(l.status));
  const waitingRefund = waiting.reduce((n, l) => n + openUnits(l) * l.unitPriceMinor, 0);
  const answer = orderAnswer(lines, {
    today: dateIn(merchant.timezone, new Date()),
    timeZoneDate: (instant) => dateIn(merchant.timezone, instant),
    preference: order.fulfillmentPreference,
  });
  // How it ships is a choice only while two unshipped items could go apart; cancelling all, while two wait.
  const showPreference = open.length >= 2 && waiting.length > 0;
  const showCancelAll = waiting.length > 1;
  // Shipping everything together gives every unshipped item the order's window: the latest item's.
  const latest = open
    .filter((l) => l.shipStart && l.shipEnd)
    .sort((a, b) => a.shipEnd!.localeCompare(b.shipEnd!))
    .at(-1);
  const together =
    order.fulfillmentPreference === "ship_together" && open.length >= 2 && latest && open.every((l) => l.shipEnd)
      ? { start: latest.shipStart!, end: latest.shipEnd! }
      : null;
  return (
    <div className="space-y-6">
      <header className="space-y-1">
        <p className="text-sm font-medium text-stone-600">{merchant.name}</p>
        <h1 className="text-2xl font-bold tracking-tight sm:text-3xl">Order {order.number}</h1>
        <p className="text-stone-700">
          Placed {formatDay(dateIn(merchant.timezone, order.placedAt), { year: true })} · {moneyLine(view)}
        </p>
        <p className="text-sm text-stone-600">
          {mode === "owner" ? `For ${order.email}` : `For ${maskEmail(order.email)}`}
          {mode === "owner" && order.shippingAddress?.city
            ? ` · Shipping to ${[order.shippingAddress.line1, order.shippingAddress.city].filter(Boolean).join(", ")}`
            : ""}
        </p>
      </header>

      <FormResult flash={flash} />

      <OrderAnswer
        answer={answer}
        answerUrl={(lineId) => {
          const noticeId = lines.find((l) => l.id === lineId)?.awaitingNoticeId;
          return mode === "owner" && noticeId ? delayAnswerUrl(noticeId) : null;
        }}
      />

      {mode === "link" && open.length > 0 ? (
        <aside className="rounded-xl border border-sky-200 bg-sky-50 p-4 text-sky-950">
          <p>
            This is a read-only view of your order. To cancel, swap, or choose how it ships,{" "}
            <Link
              href={`/signin?callbackUrl=${encodeURIComponent(`/orders/${order.id}`)}`}
              className="font-semibold underline"
            >
              sign in with the email you ordered with
            </Link>
            .
          </p>
        </aside>
      ) : null}

      <section aria-labelledby="items-heading" className="space-y-4">
        <h2 id="items-heading" className="sr-only">
          Items
        </h2>
        {lines.map((line) => (
          <LineCard
            key={line.id}
            line={line}
            merchant={merchant}
            currency={order.currency}
            accent={accent}
            owner={mode === "owner"}
            orderId={order.id}
            swapOptions={swapOptions.get(line.id) ?? []}
            open={confirmation}
            shipsWith={isOpen(line.status) ? together : null}
            swappedFrom={lines.find((l) => l.id === line.swappedFromLineId) ?? null}
          />
        ))}
      </section>

      {mode === "owner" && (showPreference || showCancelAll) && !order.closedAt ? (
        <OrderActions
          orderId={order.id}
          preference={order.fulfillmentPreference}
          showPreference={showPreference}
          waitingCount={waiting.length}
          waitingRefund={formatMoney(waitingRefund, order.currency)}
          open={confirmation}
        />
      ) : null}
    </div>
  );
}
