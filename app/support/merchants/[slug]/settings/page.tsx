import type { Metadata } from "next";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { formatInstant } from "@/lib/dates";
import { Breadcrumbs } from "@/components/support/breadcrumbs";
import { ZoneNote } from "@/components/support/zone-note";
import { integrationSettings } from "@/lib/integrations/console";
import { getNotificationSettings } from "@/lib/notifications/settings";
import { shopifyAppConfigured } from "@/lib/integrations/shopify/app";
import { shopifyAppStatus } from "@/lib/integrations/shopify/status";
import { foundOr404, requireAgentPage } from "../../../guard";
import { eventDataSchemas, publicEventTypes } from "@/lib/events/catalogue";
import { ShopifyAppInstall, ShopifyInstallForm } from "../../shopify-app";
import {
  CsvUploadForm,
  EndpointControls,
  EndpointForm,
  NotificationSettingsForm,
  ShopifyControls,
  ShopifyForm,
  SubscriptionsForm,
} from "../../forms";

export const metadata: Metadata = { title: "Integration settings" };

const allTypes = publicEventTypes.map((type) => ({ type, summary: eventDataSchemas[type].description ?? "" }));

export default async function IntegrationSettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const scope = await requireAgentPage(`/support/merchants/${slug}/settings`);
  // Admins only: for anyone else, the page does not exist.
  const { merchant, status } = await foundOr404(integrationSettings(db(), scope, slug));
  const at = (instant: Date) => formatInstant(instant, merchant.timezone);
  const notificationSettings = await getNotificationSettings(db(), merchant.id);
  const app = await shopifyAppStatus(db(), merchant.id);
  const shopifyAddress = `${env().APP_URL.replace(/\/$/, "")}/api/webhooks/shopify/${merchant.slug}`;
  return (
    <div className="space-y-8">
      <header className="space-y-1">
        <Breadcrumbs
          above={[
            { href: "/support/merchants", label: "Shops" },
            { href: `/support/merchants/${merchant.slug}`, label: merchant.name },
          ]}
          here="Settings"
        />
        <h1 className="text-2xl font-bold">{merchant.name}: integration settings</h1>
        <ZoneNote timeZone={merchant.timezone} />
        <p className="text-sm text-stone-700">
          Secrets are shown once, when they are made. What you see later is only enough to tell them apart.
        </p>
      </header>

      {shopifyAppConfigured() ? (
        <section
          aria-labelledby="shopify-app-settings"
          className="space-y-3 rounded-xl border border-stone-200 bg-white p-4"
        >
          <h2 id="shopify-app-settings" className="text-lg font-semibold">
            Shopify app
          </h2>
          {app ? (
            <ShopifyAppInstall status={app} timeZone={merchant.timezone} />
          ) : (
            <p className="text-sm">The app is not installed on a shop yet.</p>
          )}
          {!app || app.uninstalledAt || app.tokenRejectedAt ? <ShopifyInstallForm slug={merchant.slug} /> : null}
        </section>
      ) : null}

      <section aria-labelledby="shopify-settings" className="space-y-3 rounded-xl border border-stone-200 bg-white p-4">
        <h2 id="shopify-settings" className="text-lg font-semibold">
          Shopify (custom app)
        </h2>
        <p className="text-sm">
          In Shopify, send webhooks (JSON) for orders/create, orders/updated, orders/cancelled, fulfillments/create,
          fulfillments/update, inventory_levels/update, products/create and products/update to:
        </p>
        <p className="font-mono text-sm break-all">{shopifyAddress}</p>
        <p className="text-sm">
          {status.shopify.connected ? (
            <>
              Connected to {status.shopify.shopDomain ?? "any shop domain"}, secret {status.shopify.secretHint}.
              {status.shopify.previousSecretUntil
                ? ` The previous secret is accepted until ${at(status.shopify.previousSecretUntil)}.`
                : ""}
            </>
          ) : (
            "Not connected: webhooks for this shop are refused."
          )}
        </p>
        <ShopifyForm slug={merchant.slug} shopDomain={status.shopify.shopDomain} connected={status.shopify.connected} />
        {status.shopify.connected ? (
          <ShopifyControls slug={merchant.slug} rotating={!!status.shopify.previousSecretUntil} />
        ) : null}
      </section>

      <section
        aria-labelledby="endpoint-settings"
        className="space-y-3 rounded-xl border border-stone-200 bg-white p-4"
      >
        <h2 id="endpoint-settings" className="text-lg font-semibold">
          Webhooks to the shop
        </h2>
        <p className="text-sm">
          Each endpoint has its own signing secret (Standard Webhooks) and is sent the event types it subscribes to (all
          of them unless you choose). The README lists each event and its fields.
        </p>
        {status.endpoints.length === 0 ? <p className="text-sm">No endpoint yet.</p> : null}
        <ul className="space-y-6">
          {status.endpoints.map((endpoint, i) => (
            <li key={endpoint.id} className="space-y-3 border-t border-stone-200 pt-3">
              <h3 className="font-semibold">Endpoint {i + 1}</h3>
              <p className="text-sm">
                {endpoint.enabled ? "Sending" : `Off (${endpoint.disabledReason ?? "turned off"})`} · secret{" "}
                {endpoint.secretHint}
                {endpoint.previousSecretUntil
                  ? ` · the previous secret also signs until ${at(endpoint.previousSecretUntil)}`
                  : ""}
              </p>
              <EndpointForm slug={merchant.slug} url={endpoint.url} endpointId={endpoint.id} />
              <SubscriptionsForm
                slug={merchant.slug}
                endpointId={endpoint.id}
                eventTypes={endpoint.eventTypes}
                allTypes={allTypes}
              />
              <EndpointControls slug={merchant.slug} enabled={endpoint.enabled} endpointId={endpoint.id} />
            </li>
          ))}
        </ul>
        <EndpointForm slug={merchant.slug} url={null} add={status.endpoints.length > 0} />
      </section>

      <section
        aria-labelledby="notification-settings"
        className="space-y-3 rounded-xl border border-stone-200 bg-white p-4"
      >
        <h2 id="notification-settings" className="text-lg font-semibold">
          Emails to shoppers
        </h2>
        <p className="text-sm">Changes apply from the next gathering of ETA changes, and are in the audit log.</p>
        <NotificationSettingsForm slug={merchant.slug} settings={notificationSettings} />
      </section>

      <section aria-labelledby="csv-upload" className="space-y-3 rounded-xl border border-stone-200 bg-white p-4">
        <h2 id="csv-upload" className="text-lg font-semibold">
          Purchase orders and stock from a CSV
        </h2>
        <p className="text-sm">
          For shops without the API. A <span className="font-mono">po</span> row is a line of a purchase order (the PO
          gets exactly the lines given); a <span className="font-mono">stock</span> row sets a SKU&apos;s units on hand.
          Preview first: it changes nothing. Apply changes everything or, if any row is wrong, nothing.
        </p>
        <CsvUploadForm slug={merchant.slug} />
      </section>
    </div>
  );
}
