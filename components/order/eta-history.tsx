import type { LineEtaEvent } from "@/lib/orders/view";
import { dateIn, daysBetween, formatShortDay, formatWindow } from "@/lib/dates";
import { reasonSentence } from "@/lib/orders/words";
import { SlipChart } from "./slip-chart";

function change(event: LineEtaEvent): string | null {
  if (!event.oldShipEnd || !event.newShipEnd) return null;
  const days = daysBetween(event.oldShipEnd, event.newShipEnd);
  if (days === 0) return null;
  return days > 0 ? `${days} ${days === 1 ? "day" : "days"} later` : `${-days} ${days === -1 ? "day" : "days"} earlier`;
}

/** How and why a line's date moved: the slip chart and, beside it, the same story as a list. */
export function EtaHistory({
  events,
  timezone,
  accent,
  overrideNote,
  open,
}: {
  events: LineEtaEvent[];
  timezone: string;
  accent: string;
  overrideNote: string | null;
  open: boolean;
}) {
  if (events.length === 0) return null;
  const today = dateIn(timezone, new Date());
  const points = events.map((e) => ({ said: dateIn(timezone, e.at), start: e.newShipStart, end: e.newShipEnd }));
  const moves = events.length - 1;
  return (
    <details className="group rounded-lg border border-stone-200 bg-stone-50 px-3 py-2" open={open}>
      <summary className="cursor-pointer py-1 text-sm font-medium text-stone-800">
        {moves === 0
          ? "Date history: no changes since you ordered"
          : `How this date has moved (${moves} ${moves === 1 ? "change" : "changes"})`}
      </summary>
      <div className="mt-2 space-y-3">
        <figure className="space-y-1">
          <SlipChart points={points} today={today} color={accent} />
          {points.filter((p) => p.end).length >= 2 ? (
            <figcaption className="text-xs text-stone-600">
              Across: the day we told you. Up: the ship window we promised then.
            </figcaption>
          ) : null}
        </figure>
        <ol className="space-y-2 text-sm">
          {events.map((e, i) => (
            <li key={e.id} className="grid grid-cols-[4.5rem_1fr] gap-2">
              <time dateTime={e.at.toISOString()} className="text-stone-600">
                {formatShortDay(dateIn(timezone, e.at))}
              </time>
              <div>
                <p className="font-medium">
                  {e.newShipStart && e.newShipEnd ? formatWindow(e.newShipStart, e.newShipEnd) : "No confirmed date"}
                  {change(e) ? <span className="font-normal text-stone-700"> ({change(e)})</span> : null}
                </p>
                <p className="text-stone-700">
                  {reasonSentence(e.reason, {
                    first: i === 0,
                    supplierNote: e.supplierNote,
                    overrideNote: e.note ?? overrideNote,
                  })}
                </p>
              </div>
            </li>
          ))}
        </ol>
      </div>
    </details>
  );
}
