import Link from "next/link";
import type { OrderView } from "@/lib/orders/view";
import type { SwapOption } from "@/lib/orders/swap";
import { readableAccent } from "@/lib/brand";
import { dateIn, formatDay } from "@/lib/dates";
import { isOpen, isWaiting, openUnits } from "@/lib/orders/line-status";
import { formatMoney, maskEmail } from "@/lib/orders/words";
import { FormResult } from "../shopper-shell";
import type { Flash } from "@/lib/links/flash";
import type { OpenConfirmation } from "./line-actions";
import { LineCard } from "./line-card";
import { OrderActions } from "./order-actions";

function summary(view: OrderView): string {
  const lines = view.lines.filter((l) => l.status !== "swapped");
  const shipped = lines.filter((l) => l.status === "shipped").length;
  const waiting = lines.filter((l) => isWaiting(l.status)).length;
  const ready = lines.filter((l) => l.status === "ready").length;
  const parts = [];
  if (shipped) parts.push(`${shipped} shipped`);
  if (ready) parts.push(`${ready} ready to ship`);
  if (waiting) parts.push(`${waiting} waiting`);
  return parts.length ? parts.join(" · ") : "Nothing left to ship";
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
  return (
    <div className="space-y-6">
      <header className="space-y-1">
        <p className="text-sm font-medium text-stone-600">{merchant.name}</p>
        <h1 className="text-2xl font-bold tracking-tight sm:text-3xl">Order {order.number}</h1>
        <p className="text-stone-700">
          Placed {formatDay(dateIn(merchant.timezone, order.placedAt), { year: true })} · {summary(view)}
        </p>
        <p className="text-sm text-stone-600">
          {mode === "owner" ? `For ${order.email}` : `For ${maskEmail(order.email)}`}
          {mode === "owner" && order.shippingAddress?.city
            ? ` · Shipping to ${[order.shippingAddress.line1, order.shippingAddress.city].filter(Boolean).join(", ")}`
            : ""}
        </p>
      </header>

      <FormResult flash={flash} />

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
          />
        ))}
      </section>

      {mode === "owner" && open.length > 0 && !order.closedAt ? (
        <OrderActions
          orderId={order.id}
          preference={order.fulfillmentPreference}
          showPreference={
            waiting.length > 0 && lines.some((l) => l.status === "ready" || l.status === "shipped" || lines.length > 1)
          }
          waitingCount={waiting.length}
          waitingRefund={formatMoney(waitingRefund, order.currency)}
          open={confirmation}
        />
      ) : null}
    </div>
  );
}
