import type { Metadata } from "next";
import Link from "next/link";
import { ShopperShell } from "@/components/shopper-shell";
import { db } from "@/lib/db/client";
import { readPreferencesToken } from "@/lib/notifications/links";
import { preferencesView } from "@/lib/notifications/preferences";
import { maskEmail } from "@/lib/orders/words";
import { PreferencesForm } from "./preferences-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Email choices", robots: { index: false } };

// GET /preferences/{token} — a shopper's email choices, reached from the footer of every email.
export default async function PreferencesPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const link = readPreferencesToken(decodeURIComponent(token));
  if (!link) {
    return (
      <ShopperShell>
        <div className="space-y-4">
          <h1 className="text-2xl font-bold">This link does not open your email choices</h1>
          <p className="max-w-prose text-stone-700">
            It may be incomplete: try the “Email preferences” link at the bottom of one of our emails again.
          </p>
          <Link href="/" className="font-semibold underline">
            Look up an order
          </Link>
        </div>
      </ShopperShell>
    );
  }
  const view = await preferencesView(db(), link);
  const brand = view.order
    ? {
        name: view.order.merchantName,
        brandColor: view.order.brandColor,
        logoUrl: view.order.logoUrl,
        supportEmail: view.order.supportEmail,
      }
    : null;
  return (
    <ShopperShell brand={brand}>
      <div className="space-y-6">
        <header className="space-y-2">
          <h1 className="text-2xl font-bold">Your email choices</h1>
          <p className="max-w-prose text-stone-700">
            For {maskEmail(view.email)}. Emails about a ship date that moves are up to you. We always email you when
            something ships, to confirm a cancellation or swap, when a supplier first confirms a date, and when a delay
            needs your answer.
          </p>
        </header>
        <PreferencesForm
          token={decodeURIComponent(token)}
          allOrders={view.allOrders}
          order={view.order ? { number: view.order.number, choice: view.order.choice } : null}
        />
      </div>
    </ShopperShell>
  );
}
