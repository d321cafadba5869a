import type { Metadata } from "next";
import Link from "next/link";
import { db } from "@/lib/db/client";
import { integrationsOverview } from "@/lib/integrations/console";
import { shopifyAppConfigured } from "@/lib/integrations/shopify/app";
import { requireAgentPage } from "../guard";
import { ShopifyInstallForm } from "./shopify-app";

export const metadata: Metadata = { title: "Shops" };

export default async function ShopsPage() {
  const scope = await requireAgentPage("/support/merchants");
  const shops = await integrationsOverview(db(), scope);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Shops</h1>
      <p className="text-sm text-stone-700">
        Each shop&apos;s connection to Shopify, the events we send to its systems, and their delivery log.
      </p>
      <ul className="grid gap-3 sm:grid-cols-2">
        {shops.map((shop) => (
          <li key={shop.id} className="space-y-2 rounded-xl border border-stone-200 bg-white p-4">
            <h2 className="font-semibold">
              <span
                className="mr-2 inline-block size-2.5 rounded-full"
                style={{ backgroundColor: shop.brandColor }}
                aria-hidden="true"
              />
              <Link href={`/support/merchants/${shop.slug}`} className="underline underline-offset-2">
                {shop.name}
              </Link>
            </h2>
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
              <dt className="text-stone-700">Shopify</dt>
              <dd>
                {shop.status.shopify.connected
                  ? `connected (${shop.status.shopify.shopDomain ?? "any shop domain"})`
                  : "not connected"}
              </dd>
              <dt className="text-stone-700">Webhooks</dt>
              <dd>
                {shop.status.endpoint
                  ? shop.status.endpoint.enabled
                    ? `sending to ${new URL(shop.status.endpoint.url).host}`
                    : `off: ${shop.status.endpoint.disabledReason ?? "turned off"}`
                  : "no endpoint"}
              </dd>
            </dl>
          </li>
        ))}
      </ul>
      {shops.length === 0 ? <p className="text-sm text-stone-700">You do not serve any shop yet.</p> : null}
      {scope.role === "admin" && shopifyAppConfigured() ? (
        <section aria-labelledby="new-shop" className="space-y-3 rounded-xl border border-stone-200 bg-white p-4">
          <h2 id="new-shop" className="text-lg font-semibold">
            Install the app on a new shop
          </h2>
          <p className="text-sm text-stone-700">
            Shopify asks the shop&apos;s owner to approve; the shop comes back here as a new merchant. To link a shop to
            a merchant listed above, install from that merchant&apos;s settings.
          </p>
          <ShopifyInstallForm />
        </section>
      ) : null}
    </div>
  );
}
