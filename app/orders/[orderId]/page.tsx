import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { currentEmail } from "@/auth";
import { ShopperShell } from "@/components/shopper-shell";
import { OrderDetails } from "@/components/order/order-details";
import { callerReads } from "@/app/read-after";
import { swapOptionsForLines } from "@/lib/orders/swap";
import { shopperOrderView } from "@/lib/orders/view";
import { isWaiting } from "@/lib/orders/line-status";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Your order", robots: { index: false } };

// GET /orders/{id} — the order page for its signed-in owner, with cancel, swap and shipping choices.
export default async function OrderPage({ params }: { params: Promise<{ orderId: string }> }) {
  const { orderId } = await params;
  const email = await currentEmail();
  if (!email) redirect(`/signin?callbackUrl=${encodeURIComponent(`/orders/${orderId}`)}`);
  // Another shopper's order is exactly as invisible as one that does not exist.
  const read = await callerReads();
  const view = await read((db) => shopperOrderView(db, { orderId, email }));
  if (!view) notFound();
  const waiting = view.lines.filter((l) => isWaiting(l.status)).map((l) => l.id);
  const options = await read((db) => swapOptionsForLines(db, { merchantId: view.order.merchantId, lineIds: waiting }));
  return (
    <ShopperShell brand={view.merchant} signedInAs={email}>
      <OrderDetails view={view} mode="owner" swapOptions={options} />
    </ShopperShell>
  );
}
