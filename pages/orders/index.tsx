import type { GetServerSideProps, PageConfig } from "next";
import Link from "next/link";
import { ShopperShell } from "@/components/shopper-shell";
import { StatusBadge } from "@/components/order/line-card";
import { pack, unpack } from "@/components/page-data";
import { pageReads, pageShopper, privatePage } from "@/components/shopper-page";
import { dateIn, formatDay, formatWindow } from "@/lib/dates";
import { ordersForEmail } from "@/lib/orders/view";
import { statusOf, type Tone } from "@/lib/orders/words";
import { isWaiting } from "@/lib/orders/line-status";

export const config: PageConfig = { runtime: "nodejs", unstable_runtimeJS: false };

type Found = Awaited<ReturnType<typeof ordersForEmail>>;
type Props = { email: string; orders: string };

export const getServerSideProps: GetServerSideProps<Props> = async (context) => {
  privatePage(context);
  const email = await pageShopper(context);
  if (!email) return { redirect: { destination: "/signin?callbackUrl=/orders", permanent: false } };
  return { props: { email, orders: pack(await pageReads(context)((db) => ordersForEmail(db, email))) } };
};

/** One badge per state the order's items are in, with how many when more than one: "Waiting for stock (2 items)". */
function badges(lines: Found[number]["lines"]) {
  const byLabel = new Map<string, { label: string; tone: Tone; count: number }>();
  for (const line of lines.filter((l) => l.status !== "swapped")) {
    const status = statusOf(line);
    const seen = byLabel.get(status.label);
    if (seen) seen.count++;
    else byLabel.set(status.label, { ...status, count: 1 });
  }
  return [...byLabel.values()].map((b) => ({
    label: b.count > 1 ? `${b.label} (${b.count} items)` : b.label,
    tone: b.tone,
  }));
}

// GET /orders — every order placed with the signed-in email, across shops.
export default function OrdersPage({ email, orders }: Props) {
  const found = unpack<Found>(orders);
  return (
    <ShopperShell title="Your orders" signedInAs={email}>
      <div className="space-y-6">
        <div className="space-y-1">
          <h1 className="text-3xl font-bold tracking-tight">Your orders</h1>
          <p className="text-stone-700">Signed in as {email}.</p>
        </div>
        {found.length === 0 ? (
          <p className="rounded-xl border border-dashed border-stone-300 bg-white p-6 text-stone-700">
            We have no orders for {email}. If you ordered with another address, sign out and sign in with that one.
          </p>
        ) : (
          <ul className="space-y-3">
            {found.map(({ order, merchant, lines }) => {
              const waiting = lines.filter((l) => isWaiting(l.status));
              const next = waiting
                .map((l) => l.shipEnd)
                .filter((d): d is string => !!d)
                .sort()
                .at(-1);
              const nextStart = waiting
                .map((l) => l.shipStart)
                .filter((d): d is string => !!d)
                .sort()[0];
              return (
                <li key={order.id}>
                  <Link
                    href={`/orders/${order.id}`}
                    className="block space-y-2 rounded-xl border border-stone-200 bg-white p-4 shadow-sm hover:border-stone-400"
                  >
                    <div className="flex flex-wrap items-center gap-2">
                      <span
                        className="inline-block size-3 rounded-full"
                        style={{ backgroundColor: merchant.brandColor }}
                        aria-hidden="true"
                      />
                      <span className="text-sm font-medium text-stone-700">{merchant.name}</span>
                      <span className="ml-auto text-sm text-stone-600">
                        Placed {formatDay(dateIn(merchant.timezone, order.placedAt))}
                      </span>
                    </div>
                    <p className="text-lg font-semibold">Order {order.number}</p>
                    <div className="flex flex-wrap gap-1.5">
                      {badges(lines).map((badge) => (
                        <StatusBadge key={badge.label} {...badge} />
                      ))}
                    </div>
                    {waiting.length > 0 ? (
                      <p className="text-sm text-stone-700">
                        {nextStart && next
                          ? `${waiting.length} waiting · expected to ship ${formatWindow(nextStart, next)}`
                          : `${waiting.length} waiting · no confirmed date yet`}
                      </p>
                    ) : null}
                  </Link>
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </ShopperShell>
  );
}
