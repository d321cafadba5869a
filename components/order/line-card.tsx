import type { LineView } from "@/lib/orders/view";
import type { Merchant } from "@/lib/db/schema/merchants";
import type { SwapOption } from "@/lib/orders/swap";
import { dateIn, formatDay, formatShortDay, maxDate, shipsPhrase } from "@/lib/dates";
import {
  actorSubject,
  certainty,
  formatMoney,
  queueSentence,
  statusOf,
  swapKind,
  unitsSummary,
  whenSentence,
  type Tone,
} from "@/lib/orders/words";
import { isOpen, isWaiting, openUnits } from "@/lib/orders/line-status";
import { EtaHistory } from "./eta-history";
import { Progress } from "./progress";
import { LineActions, type OpenConfirmation } from "./line-actions";
import { pictureSrc, webLink } from "@/lib/security/links";

const toneClasses: Record<Tone, string> = {
  good: "bg-emerald-100 text-emerald-900",
  waiting: "bg-amber-100 text-amber-900",
  unknown: "bg-orange-100 text-orange-950",
  preorder: "bg-violet-100 text-violet-900",
  neutral: "bg-stone-200 text-stone-800",
};

export function StatusBadge({ label, tone }: { label: string; tone: Tone }) {
  return (
    <span className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-sm font-semibold ${toneClasses[tone]}`}>
      {label}
    </span>
  );
}

/** The item's picture from the shop's catalogue, or a neutral box of the same size without one. */
function Picture({ url, title }: { url: string | null; title: string }) {
  const src = pictureSrc(url);
  if (!src)
    return (
      <span
        aria-hidden="true"
        className="grid size-14 shrink-0 place-items-center rounded-lg bg-stone-100 text-stone-400"
      >
        <svg viewBox="0 0 24 24" className="size-6" fill="none" stroke="currentColor" strokeWidth="1.5">
          <path d="M3 7.5 12 3l9 4.5v9L12 21l-9-4.5z M3 7.5l9 4.5 9-4.5 M12 12v9" strokeLinejoin="round" />
        </svg>
      </span>
    );
  return (
    // Pictures come from the shop's own hosts; next/image would need every host configured.
    // eslint-disable-next-line @next/next/no-img-element
    <img
      src={src}
      alt={title}
      width={56}
      height={56}
      loading="lazy"
      className="size-14 shrink-0 rounded-lg bg-stone-100 object-cover"
    />
  );
}

/**
 * One item of the order, answering in order: what is happening, when (and how sure), and what
 * the shopper can do about it.
 */
export function LineCard({
  line,
  merchant,
  currency,
  accent,
  owner,
  orderId,
  swapOptions,
  open: confirmation,
  shipsWith,
  swappedFrom,
}: {
  line: LineView;
  merchant: Merchant;
  currency: string;
  accent: string;
  owner: boolean;
  orderId: string;
  swapOptions: SwapOption[];
  open: OpenConfirmation;
  /** The order's window when the shopper chose to ship everything together (the latest line's). */
  shipsWith: { start: string; end: string } | null;
  /** For a line swapped to: the line it replaced (for the price difference). */
  swappedFrom: Pick<LineView, "unitPriceMinor"> | null;
}) {
  const status = statusOf(line);
  const open = isOpen(line.status);
  const rolling = line.etaPushes >= 2 && open;
  const units = unitsSummary(line);
  const queue = isWaiting(line.status) ? queueSentence(line, line.basisDelivery) : null;
  const waitingUnits = openUnits(line);
  const headingId = `line-${line.id}`;
  const today = dateIn(merchant.timezone, new Date());
  const on = (act: { at: Date }) => formatShortDay(dateIn(merchant.timezone, act.at));
  const swapBack = swappedFrom ? (swappedFrom.unitPriceMinor - line.unitPriceMinor) * line.quantity : 0;
  return (
    <article
      aria-labelledby={headingId}
      className="space-y-3 rounded-xl border border-stone-200 bg-white p-4 shadow-sm sm:p-5"
    >
      <header className="flex flex-wrap items-start justify-between gap-2">
        <div className="flex min-w-0 items-start gap-3">
          <Picture url={line.imageUrl} title={line.title} />
          <div className="min-w-0">
            <h3 id={headingId} className="text-lg leading-snug font-semibold">
              {line.title}
            </h3>
            <p className="text-sm text-stone-600">
              {line.quantity} × {formatMoney(line.unitPriceMinor, currency)} · SKU {line.skuCode}
            </p>
          </div>
        </div>
        <div className="flex flex-wrap gap-1.5">
          <StatusBadge {...status} />
          {rolling ? (
            <span className="inline-flex items-center rounded-full bg-rose-100 px-2.5 py-0.5 text-sm font-semibold text-rose-900">
              Date moved {line.etaPushes} times
            </span>
          ) : null}
          {line.etaBasis === "override" && open ? (
            <span className="inline-flex items-center rounded-full bg-sky-100 px-2.5 py-0.5 text-sm font-semibold text-sky-900">
              Date set by support
            </span>
          ) : null}
        </div>
      </header>

      <Progress line={line} accent={accent} />

      {units ? <p className="text-sm font-medium text-stone-800">{units}</p> : null}

      {open ? (
        <div className="space-y-1">
          <p className="text-base font-semibold text-stone-900">
            {shipsWith && shipsWith.end >= today
              ? `${shipsPhrase(maxDate(shipsWith.start, today), shipsWith.end)}, with the rest of your order, as you chose.`
              : whenSentence(line, { typicalLeadDays: merchant.typicalLeadDays, today })}
          </p>
          {line.status === "preorder" && line.etaBasis === "release" && line.basisDate ? (
            <p className="text-sm text-stone-700">
              Releases {formatDay(line.basisDate)}; it ships as soon as it is out.
            </p>
          ) : null}
          {certainty(line) ? <p className="text-sm text-stone-700">{certainty(line)}</p> : null}
          {queue ? <p className="text-sm text-stone-700">{queue}</p> : null}
          {line.etaBasis === "override" && line.etaOverrideNote ? (
            <p className="text-sm text-stone-700">Note from support: “{line.etaOverrideNote}”</p>
          ) : null}
        </div>
      ) : null}

      {line.shipments.length > 0 ? (
        <ul className="space-y-1 text-sm">
          {line.shipments.map((s, i) => (
            <li key={i}>
              Shipped {formatShortDay(dateIn(merchant.timezone, s.shippedAt))}
              {s.quantity !== line.quantity ? ` (${s.quantity})` : ""}
              {s.carrier ? ` with ${s.carrier}` : ""}
              {s.trackingNumber ? (
                <>
                  {" · "}
                  {webLink(s.trackingUrl) ? (
                    <a
                      href={webLink(s.trackingUrl)!}
                      target="_blank"
                      rel="noopener noreferrer"
                      className="font-medium text-[var(--brand-accent)] underline"
                    >
                      Track parcel {s.trackingNumber}
                      <span className="sr-only"> (opens a new tab)</span>
                    </a>
                  ) : (
                    `tracking ${s.trackingNumber}`
                  )}
                </>
              ) : null}
              {s.deliveredAt ? ` · Delivered ${formatShortDay(dateIn(merchant.timezone, s.deliveredAt))}` : null}
            </li>
          ))}
        </ul>
      ) : null}

      {line.status === "cancelled" ? (
        <p className="text-sm text-stone-700">
          {line.closedBy
            ? `${actorSubject(line.closedBy.actor)} cancelled this on ${on(line.closedBy)}.`
            : `Cancelled${line.cancelledAt ? ` ${formatShortDay(dateIn(merchant.timezone, line.cancelledAt))}` : ""}.`}{" "}
          {formatMoney(line.cancelledQuantity * line.unitPriceMinor, currency)} is refunded to your original payment.
        </p>
      ) : null}
      {line.status === "swapped" && line.swappedTo ? (
        <p className="text-sm text-stone-700">
          {line.closedBy
            ? `${actorSubject(line.closedBy.actor)} swapped this for ${line.swappedTo.title} on ${on(line.closedBy)}`
            : `Swapped for ${line.swappedTo.title}`}
          , shown below.
        </p>
      ) : null}
      {line.swappedFromLineId ? (
        <p className="text-sm text-stone-700">
          {line.swappedBy
            ? `${actorSubject(line.swappedBy.actor)} swapped to this item on ${on(line.swappedBy)}; it comes from stock.`
            : "Swapped to this item; it comes from stock."}
          {swapBack > 0 ? ` ${formatMoney(swapBack, currency)}, the difference in price, is refunded to you.` : ""}
        </p>
      ) : null}

      {/* How the date moved matters while it is still to come; a closed line's date is history. */}
      {open ? (
        <EtaHistory
          events={line.etaEvents}
          timezone={merchant.timezone}
          accent={accent}
          overrideNote={line.etaOverrideNote}
          open={rolling || line.etaEvents.length >= 3}
        />
      ) : null}

      {owner && isWaiting(line.status) ? (
        <LineActions
          open={confirmation}
          orderId={orderId}
          lineId={line.id}
          title={line.title}
          units={waitingUnits}
          refund={formatMoney(waitingUnits * line.unitPriceMinor, currency)}
          options={swapOptions.map((o) => ({
            skuId: o.skuId,
            label: o.variantTitle ? `${o.title} — ${o.variantTitle}` : o.title,
            kind: swapKind(o),
            price: formatMoney(o.priceMinor, o.currency),
            difference:
              o.refundPerUnitMinor > 0
                ? `${formatMoney(o.refundPerUnitMinor * waitingUnits, o.currency)} back to you`
                : "Same price",
          }))}
        />
      ) : null}
    </article>
  );
}
