import Link from "next/link";
import type { Metadata } from "next";
import { ShopperShell } from "@/components/shopper-shell";
import { OrderDetails } from "@/components/order/order-details";
import { callerReads } from "@/app/read-after";
import { checkViewToken } from "@/lib/links/view-link";
import { loadOrderView } from "@/lib/orders/view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Your order", robots: { index: false } };

const problems = {
  invalid:
    "This link does not open an order. It may be incomplete; try the link in your email again, or look your order up below.",
  expired:
    "This link has expired: links stay valid for 30 days after everything on the order has shipped or been cancelled.",
  revoked:
    "This link was turned off by the shop. Look your order up again, or sign in with the email you ordered with.",
};

// GET /o/{token} — the signed, read-only view of one order that emails and the lookup lead to.
export default async function ViewLinkPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const read = await callerReads();
  const check = await read((db) => checkViewToken(db, token));
  const view = check.ok ? await read((db) => loadOrderView(db, check.orderId)) : null;
  if (!check.ok || !view) {
    return (
      <ShopperShell>
        <div className="space-y-4">
          <h1 className="text-2xl font-bold">We cannot show this order</h1>
          <p className="max-w-prose text-stone-700">{problems[check.ok ? "invalid" : check.reason]}</p>
          <p className="flex flex-wrap gap-4">
            <Link href="/" className="font-semibold underline">
              Look up an order
            </Link>
            <Link href="/signin" className="font-semibold underline">
              Sign in
            </Link>
          </p>
        </div>
      </ShopperShell>
    );
  }
  return (
    <ShopperShell brand={view.merchant}>
      <OrderDetails view={view} mode="link" swapOptions={new Map()} />
    </ShopperShell>
  );
}
