import type { Metadata } from "next";
import Link from "next/link";
import { LineTools, NoteForm, ResendButton } from "../../forms";
import { StatusBadge } from "@/components/order/line-card";
import { db } from "@/lib/db/client";
import { dateIn, formatDay, formatInstant, formatWindow } from "@/lib/dates";
import { viewToken } from "@/lib/links/view-link";
import { swapOptions } from "@/lib/orders/swap";
import { basisWords, formatMoney, statusOf } from "@/lib/orders/words";
import { agentOrderView } from "@/lib/support/orders";
import { foundOr404, requireAgentPage } from "../../guard";
import { ScrollRegion } from "@/components/support/scroll-region";
import { isOpen, isWaiting } from "@/lib/orders/line-status";
import { TableHead } from "@/components/support/table-head";
import { ZoneNote } from "@/components/support/zone-note";
import type { ConsentState } from "@/lib/db/schema/orders";

export const metadata: Metadata = { title: "Order" };

const timelineIcons = { eta: "Date", email: "Email", action: "Action", note: "Note" } as const;

/** Where a line stands on the FTC delay rule, in an agent's words. */
const consentWords: Record<ConsentState, string> = {
  none: "Not needed",
  notified: "Delay notice sent; silence keeps the order",
  awaiting: "Waiting for the shopper's answer",
  accepted: "Shopper chose to keep waiting",
  expired: "No answer by the deadline",
};

export default async function SupportOrderPage({ params }: { params: Promise<{ orderId: string }> }) {
  const { orderId } = await params;
  const scope = await requireAgentPage(`/support/orders/${orderId}`);
  const { order, merchant, lines, timeline, emails } = await foundOr404(agentOrderView(db(), scope, orderId));
  const today = dateIn(merchant.timezone, new Date());
  const options = new Map<number, { skuId: string; label: string }[]>();
  for (const line of lines) {
    if (isWaiting(line.status)) {
      const found = await swapOptions(db(), { merchantId: merchant.id, lineId: line.id });
      options.set(
        line.id,
        found.map((o) => ({
          skuId: o.skuId,
          label: `${o.title}${o.variantTitle ? ` — ${o.variantTitle}` : ""} (${formatMoney(o.priceMinor, o.currency)}, ${o.freeUnits} free)`,
        })),
      );
    }
  }
  return (
    <div className="space-y-6">
      <header className="space-y-1">
        <p className="text-sm text-stone-700">
          <span
            className="mr-1 inline-block size-2.5 rounded-full"
            style={{ backgroundColor: merchant.brandColor }}
            aria-hidden="true"
          />
          {merchant.name} · {order.channel} · placed {formatInstant(order.placedAt, merchant.timezone)}
        </p>
        <h1 className="text-2xl font-bold">Order {order.number}</h1>
        <p>
          {order.customerName ?? "No name"} ·{" "}
          <a href={`mailto:${order.email}`} className="underline">
            {order.email}
          </a>{" "}
          · ships {order.fulfillmentPreference === "ship_together" ? "everything together" : "what is ready"}
        </p>
        <ZoneNote timeZone={merchant.timezone} />
        <p className="text-sm">
          <Link href={`/o/${viewToken(order.id)}`} className="underline" target="_blank">
            Open the shopper&apos;s view<span className="sr-only"> (opens a new tab)</span>
          </Link>
        </p>
      </header>

      <section aria-labelledby="lines-heading" className="space-y-3">
        <h2 id="lines-heading" className="text-lg font-semibold">
          Lines
        </h2>
        {lines.map((line) => {
          const open = isOpen(line.status);
          return (
            <article
              key={line.id}
              aria-label={line.title}
              className="space-y-2 rounded-xl border border-stone-200 bg-white p-4"
            >
              <div className="flex flex-wrap items-center gap-2">
                <h3 className="font-semibold">{line.title}</h3>
                <span className="text-sm text-stone-700">SKU {line.skuCode}</span>
                <StatusBadge {...statusOf(line)} />
                {line.etaPushes >= 2 && open ? (
                  <span className="rounded-full bg-rose-100 px-2 py-0.5 text-sm font-semibold text-rose-900">
                    Rolling: moved {line.etaPushes}×
                  </span>
                ) : null}
                {line.acceptedOnDeny ? (
                  <span className="rounded-full bg-orange-100 px-2 py-0.5 text-sm font-semibold text-orange-950">
                    Sold while policy was deny
                  </span>
                ) : null}
              </div>
              <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4">
                <div>
                  <dt className="text-stone-700">Units</dt>
                  <dd>
                    {line.quantity} ordered · {line.allocatedQuantity} allocated · {line.shippedQuantity} shipped ·{" "}
                    {line.cancelledQuantity} cancelled
                  </dd>
                </div>
                <div>
                  <dt className="text-stone-700">Ship window</dt>
                  <dd>
                    {line.shipStart && line.shipEnd
                      ? formatWindow(line.shipStart, line.shipEnd)
                      : open
                        ? "Unknown (no covering PO)"
                        : "—"}
                  </dd>
                </div>
                <div>
                  <dt className="text-stone-700">Basis</dt>
                  <dd>
                    {basisWords[line.etaBasis]}
                    {line.basisDelivery
                      ? ` · PO ${line.basisDelivery.reference} due ${formatDay(line.basisDelivery.expectedDate)} (${line.basisDelivery.units} units` +
                        `${line.basisDelivery.shipmentMode ? `, ${line.basisDelivery.shipmentMode}` : ""}` +
                        `${line.basisDelivery.slip ? `, slip ${signed(line.basisDelivery.slip.floorDays)} to ${signed(line.basisDelivery.slip.allowanceDays)} days` : ""})`
                      : ""}
                    {line.etaOverrideNote ? ` · “${line.etaOverrideNote}”` : ""}
                  </dd>
                </div>
                <div>
                  <dt className="text-stone-700">Queue</dt>
                  <dd>
                    {open && line.status !== "ready"
                      ? `${line.queuePosition} units / ${line.linesAhead} lines ahead`
                      : "—"}
                  </dd>
                </div>
                <div>
                  <dt className="text-stone-700">First promised</dt>
                  <dd>
                    {line.firstShipStart && line.firstShipEnd
                      ? formatWindow(line.firstShipStart, line.firstShipEnd)
                      : "—"}
                  </dd>
                </div>
                <div>
                  <dt className="text-stone-700">Delay consent</dt>
                  <dd>
                    {consentWords[line.consentState]}
                    {line.consentDeadline
                      ? ` · answer by ${formatInstant(line.consentDeadline, merchant.timezone)}`
                      : ""}
                  </dd>
                </div>
              </dl>
              {/* Stays mounted after the line closes, so the confirmation of what just happened remains. */}
              <LineTools
                orderId={order.id}
                lineId={line.id}
                title={line.title}
                canCancel={open}
                canSwap={(options.get(line.id)?.length ?? 0) > 0}
                canOverride={open}
                shipStart={line.shipStart && line.shipStart >= today ? line.shipStart : null}
                shipEnd={line.shipEnd && line.shipEnd >= today ? line.shipEnd : null}
                today={today}
                swapOptions={options.get(line.id) ?? []}
              />
            </article>
          );
        })}
      </section>

      <section aria-labelledby="emails-heading" className="space-y-2">
        <h2 id="emails-heading" className="text-lg font-semibold">
          Emails
        </h2>
        {emails.length === 0 ? (
          <p className="text-sm text-stone-700">No emails for this order yet.</p>
        ) : (
          <ScrollRegion label="Emails of this order">
            <table className="w-full text-left text-sm">
              <TableHead columns={["Email", "State", "When", "Provider answer"]} actions />
              <tbody>
                {emails.map((email) => (
                  <tr key={email.id} className="border-t border-stone-200 align-top">
                    <td className="px-3 py-2">{email.kind.replace(/_/g, " ")}</td>
                    <td className="px-3 py-2">
                      {email.status}
                      {email.attempts > 1 ? ` (${email.attempts} attempts)` : ""}
                    </td>
                    <td className="px-3 py-2">{formatInstant(email.sentAt ?? email.dueAt, merchant.timezone)}</td>
                    <td className="px-3 py-2">{email.lastError ?? email.providerMessageId ?? "—"}</td>
                    <td className="px-3 py-2">
                      {email.status === "sent" || email.status === "failed" ? (
                        <ResendButton
                          orderId={order.id}
                          notificationId={email.id}
                          label={`${email.kind.replace(/_/g, " ")} email`}
                        />
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        )}
      </section>

      <section aria-labelledby="note-heading" className="space-y-2 rounded-xl border border-stone-200 bg-white p-4">
        <h2 id="note-heading" className="text-lg font-semibold">
          Add a note
        </h2>
        <NoteForm orderId={order.id} />
      </section>

      <section aria-labelledby="timeline-heading" className="space-y-2">
        <h2 id="timeline-heading" className="text-lg font-semibold">
          Timeline
        </h2>
        <ol className="space-y-2">
          {timeline.map((entry, i) => (
            <li
              key={i}
              className="grid gap-1 rounded-lg border border-stone-200 bg-white px-3 py-2 text-sm sm:grid-cols-[11rem_5rem_1fr]"
            >
              <time dateTime={entry.at.toISOString()} className="text-stone-700">
                {formatInstant(entry.at, merchant.timezone)}
              </time>
              <span className="font-medium">{timelineIcons[entry.kind]}</span>
              <div>
                <p>
                  <span className="font-medium">{entry.title}</span>{" "}
                  <span className="text-stone-700">· {entry.who}</span>
                </p>
                {entry.detail ? <p className="text-stone-700">{entry.detail}</p> : null}
              </div>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

/** "+6", "−2", "0": days from a PO's date. */
const signed = (days: number) => (days > 0 ? `+${days}` : days < 0 ? `−${-days}` : "0");
