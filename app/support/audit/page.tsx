import type { Metadata } from "next";
import Link from "next/link";
import { db } from "@/lib/db/client";
import { merchantsInScope } from "@/lib/support/access";
import { formatDay, formatInstant, isIsoDate } from "@/lib/dates";
import { auditActorTypes as actorTypes, auditEntries, auditFilters, pageZone } from "@/lib/support/board";
import { requireAgentPage } from "../guard";
import { ShopFilter } from "../shop-filter";
import { ScrollRegion } from "@/components/support/scroll-region";
import { TableHead } from "@/components/support/table-head";
import { ZoneNote } from "@/components/support/zone-note";
import { Field } from "@/components/field";

export const metadata: Metadata = { title: "Audit log" };

const field = "rounded-lg border border-stone-400 bg-white px-2.5 py-1.5 text-sm";

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const scope = await requireAgentPage("/support/audit");
  const params = await searchParams;
  const shops = await merchantsInScope(db(), scope);
  const chosen = auditFilters(
    params,
    shops.map((m) => m.id),
  );
  // One zone for the whole page, the shop's: its times and the From/To days are read in it.
  const zone = pageZone(shops, chosen.merchantId);
  const filters = { ...chosen, timeZone: zone.timeZone };
  const entries = await auditEntries(db(), scope, filters);
  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-bold">Audit log</h1>
        <ZoneNote timeZone={zone.timeZone} mixed={zone.mixed} />
      </div>
      <form className="flex flex-wrap items-end gap-3 rounded-xl border border-stone-200 bg-white p-4">
        <Field htmlFor="actor" label="Who">
          <select id="actor" name="actor" defaultValue={filters.actorType ?? ""} className={field}>
            <option value="">Anyone</option>
            {actorTypes.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </Field>
        <ShopFilter shops={shops} merchantId={filters.merchantId} />
        <Field htmlFor="action" label="Action starts with">
          <input id="action" name="action" defaultValue={filters.action} placeholder="line." className={field} />
        </Field>
        <Field htmlFor="from" label="From">
          <input id="from" name="from" type="date" defaultValue={filters.from} className={field} />
        </Field>
        <Field htmlFor="to" label="To">
          <input id="to" name="to" type="date" defaultValue={filters.to} className={field} />
        </Field>
        <button type="submit" className="min-h-10 rounded-lg bg-stone-900 px-3 py-1.5 text-sm font-semibold text-white">
          Filter
        </button>
      </form>
      <ScrollRegion label="Audit entries">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Audit entries, newest first</caption>
          <TableHead columns={["When", "Who", "Action", "Shop", "Order", "Details"]} />
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} className="border-t border-stone-200 align-top">
                <td className="px-3 py-2 whitespace-nowrap">
                  <time dateTime={e.at.toISOString()}>{formatInstant(e.at, zone.timeZone)}</time>
                </td>
                <td className="px-3 py-2">
                  {e.actorType}
                  {e.actorId ? ` · ${e.actorId}` : ""}
                </td>
                <td className="px-3 py-2 font-medium">{e.action}</td>
                <td className="px-3 py-2">{e.merchant}</td>
                <td className="px-3 py-2">
                  {e.orderId ? (
                    <Link href={`/support/orders/${e.orderId}`} className="underline">
                      {e.orderNumber ?? "Order"}
                    </Link>
                  ) : (
                    "—"
                  )}
                </td>
                <td className="max-w-md px-3 py-2 break-words text-stone-700">{summarize(e.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {entries.length === 0 ? <p className="p-4 text-sm text-stone-700">Nothing matches these filters.</p> : null}
      </ScrollRegion>
    </div>
  );
}

function summarize(after: unknown): string {
  if (!after || typeof after !== "object") return "";
  const entries = Object.entries(after as Record<string, unknown>).filter(([key]) => key !== "lines");
  return entries
    .map(([key, value]) => `${key}: ${typeof value === "object" ? JSON.stringify(value) : readable(value)}`)
    .join("; ")
    .slice(0, 300);
}

/** A calendar date as a person reads it ("Tue, Dec 15, 2026"); anything else as it is. */
const readable = (value: unknown) =>
  typeof value === "string" && isIsoDate(value) ? formatDay(value, { year: true }) : String(value);
