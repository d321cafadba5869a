import type { Metadata } from "next";
import Link from "next/link";
import { ScrollRegion } from "@/components/support/scroll-region";
import { db } from "@/lib/db/client";
import { integrationLogs } from "@/lib/integrations/console";
import { foundOr404, requireAgentPage } from "../../guard";
import { ResendDeliveryButton, RetryShopifyButton } from "../forms";
import { TableHead } from "@/components/support/table-head";
import { Breadcrumbs } from "@/components/support/breadcrumbs";
import { ZoneNote } from "@/components/support/zone-note";
import { formatInstant } from "@/lib/dates";

export const metadata: Metadata = { title: "Integrations" };

type EventData = { order?: { number?: string }; line?: { sku?: string }; newLine?: { sku?: string } };

function summarize(payload: Record<string, unknown>): string {
  const data = (payload.data ?? {}) as EventData;
  const sku = data.line?.sku ? ` · ${data.line.sku}${data.newLine?.sku ? ` → ${data.newLine.sku}` : ""}` : "";
  return `Order ${data.order?.number ?? "?"}${sku}`;
}

const statusWords: Record<string, string> = {
  pending: "waiting",
  delivering: "sending",
  delivered: "delivered",
  failed: "failed",
};

export default async function ShopIntegrationsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const scope = await requireAgentPage(`/support/merchants/${slug}`);
  const { merchant, status, deliveries, shopify } = await foundOr404(integrationLogs(db(), scope, slug));
  // Every time on the page in the shop's zone, named once below the heading.
  const at = (instant: Date | null) => (instant ? formatInstant(instant, merchant.timezone) : "—");
  return (
    <div className="space-y-8">
      <header className="space-y-1">
        <Breadcrumbs above={[{ href: "/support/merchants", label: "Shops" }]} here={merchant.name} />
        <h1 className="text-2xl font-bold">{merchant.name}: integrations</h1>
        <ZoneNote timeZone={merchant.timezone} />
        <p className="text-sm">
          Shopify:{" "}
          {status.shopify.connected ? `connected (${status.shopify.shopDomain ?? "any shop domain"})` : "not connected"}{" "}
          · Webhooks:{" "}
          {status.endpoint
            ? status.endpoint.enabled
              ? `sending to ${status.endpoint.url}`
              : `off (${status.endpoint.disabledReason ?? "turned off"})`
            : "no endpoint"}
        </p>
        {scope.role === "admin" ? (
          <p className="text-sm">
            <Link href={`/support/merchants/${merchant.slug}/settings`} className="underline">
              Settings and secrets
            </Link>
          </p>
        ) : null}
      </header>

      <section aria-labelledby="deliveries-heading" className="space-y-3">
        <h2 id="deliveries-heading" className="text-lg font-semibold">
          Webhook deliveries
        </h2>
        <p className="text-sm text-stone-700">
          Events sent to the shop&apos;s endpoint, newest first. A failed event can be sent again under the same
          webhook-id.
        </p>
        <ScrollRegion label="Delivery log">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Webhook deliveries, newest first</caption>
            <TableHead columns={["Created", "Event", "Status", "Last answer"]} actions />
            <tbody>
              {deliveries.map((d) => (
                <tr key={d.id} className="border-t border-stone-200 align-top">
                  <td className="px-3 py-2 whitespace-nowrap">{at(d.createdAt)}</td>
                  <td className="px-3 py-2">
                    <span className="font-medium">{d.eventType}</span>
                    <br />
                    {summarize(d.payload)}
                    <br />
                    <span className="font-mono text-xs text-stone-700">{d.id}</span>
                  </td>
                  <td className="px-3 py-2">
                    {statusWords[d.status] ?? d.status} after {d.attempts} attempt{d.attempts === 1 ? "" : "s"}
                    {d.status === "pending" && d.endpointEnabled ? (
                      <>
                        <br />
                        next try {at(d.nextAttemptAt)}
                      </>
                    ) : null}
                    {d.status === "pending" && !d.endpointEnabled ? (
                      <>
                        <br />
                        held: sending is off
                      </>
                    ) : null}
                    {d.deliveredAt ? (
                      <>
                        <br />
                        at {at(d.deliveredAt)}
                      </>
                    ) : null}
                  </td>
                  <td className="max-w-xs px-3 py-2 break-words">
                    {d.lastError ?? (d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : "—")}
                  </td>
                  <td className="px-3 py-2">
                    <ResendDeliveryButton
                      slug={merchant.slug}
                      deliveryId={d.id}
                      label={`${d.eventType} ${summarize(d.payload)}`}
                      available={d.status === "failed" || d.status === "delivered"}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {deliveries.length === 0 ? (
            <p className="p-4 text-sm text-stone-700">No events sent to this shop yet.</p>
          ) : null}
        </ScrollRegion>
      </section>

      <section aria-labelledby="shopify-heading" className="space-y-3">
        <h2 id="shopify-heading" className="text-lg font-semibold">
          Shopify webhooks received
        </h2>
        <p className="text-sm text-stone-700">What Shopify sent and what it did here, newest first.</p>
        <ScrollRegion label="Shopify log">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Shopify webhooks received, newest first</caption>
            <TableHead columns={["Received", "Topic", "Status", "What happened"]} actions />
            <tbody>
              {shopify.map((w) => (
                <tr key={w.webhookId} className="border-t border-stone-200 align-top">
                  <td className="px-3 py-2 whitespace-nowrap">{at(w.receivedAt)}</td>
                  <td className="px-3 py-2">
                    <span className="font-medium">{w.topic}</span>
                    <br />
                    <span className="font-mono text-xs text-stone-700">{w.webhookId}</span>
                  </td>
                  <td className="px-3 py-2">
                    {w.status}
                    {w.status === "pending" && w.attempts > 0 ? (
                      <>
                        <br />
                        retry {at(w.nextAttemptAt)}
                      </>
                    ) : null}
                  </td>
                  <td className="max-w-md px-3 py-2 break-words">{w.error ?? w.outcome ?? "—"}</td>
                  <td className="px-3 py-2">
                    <RetryShopifyButton
                      slug={merchant.slug}
                      webhookId={w.webhookId}
                      label={`${w.topic} ${w.webhookId}`}
                      available={w.status === "failed"}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {shopify.length === 0 ? (
            <p className="p-4 text-sm text-stone-700">Nothing received from Shopify yet.</p>
          ) : null}
        </ScrollRegion>
      </section>
    </div>
  );
}
