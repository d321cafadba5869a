import { formatInstant } from "@/lib/dates";
import type { ShopifyAppStatus } from "@/lib/integrations/shopify/status";

// The Shopify app's part of a shop's settings: its install and what followed, and the form that
// starts an install (a plain GET to /api/shopify/install, which answers with Shopify's authorize page).

const backfillWords = {
  pending: "waiting to start",
  running: "in progress",
  done: "done",
  failed: "stopped",
} as const;

/** `timeZone`: the shop's, which the settings page names. */
export function ShopifyAppInstall({ status, timeZone }: { status: ShopifyAppStatus; timeZone: string }) {
  const utc = (at: Date) => formatInstant(at, timeZone);
  const closed = status.uninstalledAt
    ? `Uninstalled ${utc(status.uninstalledAt)}; nothing is sent to Shopify.${status.redactAt ? ` Its shoppers' data is erased ${utc(status.redactAt)}.` : ""}`
    : status.tokenRejectedAt
      ? "Shopify refused the access token: install the app again to reconnect."
      : null;
  return (
    <div className="space-y-2 text-sm">
      <p>
        {closed ?? (
          <>
            App installed on <strong>{status.shopDomain}</strong> {utc(status.installedAt)}
            {status.installedBy ? ` by ${status.installedBy}` : ""}.
          </>
        )}
      </p>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
        <dt className="text-stone-700">Scopes</dt>
        <dd className="font-mono">{status.scopes || "none"}</dd>
        <dt className="text-stone-700">Webhooks</dt>
        <dd>
          {status.webhooksRegisteredAt
            ? `${status.webhookTopics.length} registered: ${status.webhookTopics.join(", ")}`
            : "not registered yet"}
        </dd>
        <dt className="text-stone-700">Catalogue</dt>
        <dd>
          Backfill {backfillWords[status.backfill.status]}: {status.backfill.products} products,{" "}
          {status.backfill.variants} SKUs{status.backfill.error ? `. ${status.backfill.error}` : ""}
        </dd>
      </dl>
      {status.compliance.length > 0 ? (
        <>
          <h3 className="font-semibold">Compliance requests</h3>
          <ul className="list-disc pl-5">
            {status.compliance.map((c) => (
              <li key={`${c.topic}-${c.completedAt.toISOString()}`}>
                {c.topic}, {utc(c.completedAt)}: {c.summary}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

/** Starts an install on a shop for this merchant, or (without `slug`) for a new merchant. */
export function ShopifyInstallForm({ slug }: { slug?: string }) {
  return (
    <form method="get" action="/api/shopify/install" className="flex flex-wrap items-end gap-3 text-sm">
      {slug ? <input type="hidden" name="merchant" value={slug} /> : null}
      <label className="flex flex-col gap-1">
        Shop domain
        <input
          name="shop"
          required
          placeholder="my-shop.myshopify.com"
          pattern="[a-zA-Z0-9][a-zA-Z0-9\-]*\.myshopify\.com"
          className="rounded border border-stone-400 px-2 py-1"
        />
      </label>
      {slug ? null : (
        <>
          <label className="flex flex-col gap-1">
            New merchant&apos;s name
            <input name="newName" required className="rounded border border-stone-400 px-2 py-1" />
          </label>
          <label className="flex flex-col gap-1">
            Its slug (in addresses)
            <input
              name="newSlug"
              required
              pattern="[a-z0-9][a-z0-9\-]{0,62}"
              className="rounded border border-stone-400 px-2 py-1"
            />
          </label>
        </>
      )}
      <button type="submit" className="rounded bg-stone-900 px-3 py-1.5 font-medium text-white">
        Install the Shopify app
      </button>
    </form>
  );
}
