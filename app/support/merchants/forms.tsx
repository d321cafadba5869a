"use client";

import { useActionState, useId } from "react";
import {
  connectShopifyAction,
  disconnectShopifyAction,
  endShopifyRotationAction,
  resendWebhook,
  retryShopifyWebhookAction,
  rotateEndpointSecretAction,
  saveEndpointAction,
  saveNotificationSettingsAction,
  uploadCsvAction,
  setEndpointEnabledAction,
  setSubscriptionsAction,
} from "./actions";
import type { ActionResult } from "@/lib/actions/result";
import type { NotificationSettings } from "@/lib/notifications/settings";
import { Field } from "@/components/field";

type IntegrationResult = ActionResult<{ secret?: string }>;

const button = "inline-flex min-h-10 items-center rounded-lg px-3 py-1.5 text-sm font-semibold";
const primary = `${button} bg-stone-900 text-white hover:bg-stone-800 disabled:opacity-70`;
const secondary = `${button} border border-stone-400 bg-white hover:bg-stone-50 disabled:opacity-70`;
const input = "rounded-lg border border-stone-400 bg-white px-2.5 py-1.5 text-sm";

function Result({ result }: { result: IntegrationResult | null }) {
  return (
    <div
      role="status"
      aria-live="polite"
      className={
        result
          ? `space-y-2 rounded-lg px-3 py-2 text-sm ${result.ok ? "bg-emerald-50 text-emerald-900" : "bg-red-50 text-red-900"}`
          : "sr-only"
      }
    >
      <p className="whitespace-pre-line">{result ? (result.ok ? result.message : result.error) : ""}</p>
      {result?.ok && result.secret ? <SecretOnce secret={result.secret} /> : null}
    </div>
  );
}

/** A secret shown once: selectable, labelled, and gone on the next page load. */
function SecretOnce({ secret }: { secret: string }) {
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block font-medium">
        Signing secret (shown once)
      </label>
      <input
        id={id}
        readOnly
        value={secret}
        onFocus={(e) => e.currentTarget.select()}
        className={`${input} w-full font-mono text-stone-900`}
      />
    </div>
  );
}

/**
 * Resend for a delivered or failed event. It stays mounted while the event is pending again (the
 * button hidden), so the answer to the click is still there, and still announced, after the page
 * refreshes with the new status.
 */
export function ResendDeliveryButton({
  slug,
  deliveryId,
  label,
  available,
}: {
  slug: string;
  deliveryId: string;
  label: string;
  available: boolean;
}) {
  const [result, action, pending] = useActionState(resendWebhook, null);
  return (
    <form action={action} className="space-y-1">
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="deliveryId" value={deliveryId} />
      {available ? (
        <button type="submit" className={secondary} disabled={pending} aria-label={`Resend ${label}`}>
          {pending ? "Queuing…" : "Resend"}
        </button>
      ) : null}
      <Result result={result} />
    </form>
  );
}

/** Process a failed Shopify webhook again; like Resend, it stays mounted to keep its answer. */
export function RetryShopifyButton({
  slug,
  webhookId,
  label,
  available,
}: {
  slug: string;
  webhookId: string;
  label: string;
  available: boolean;
}) {
  const [result, action, pending] = useActionState(retryShopifyWebhookAction, null);
  return (
    <form action={action} className="space-y-1">
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="webhookId" value={webhookId} />
      {available ? (
        <button type="submit" className={secondary} disabled={pending} aria-label={`Process ${label} again`}>
          {pending ? "Queuing…" : "Process again"}
        </button>
      ) : null}
      <Result result={result} />
    </form>
  );
}

/** An endpoint's address (`endpointId`), or a new endpoint (`add`). */
export function EndpointForm({
  slug,
  url,
  endpointId,
  add,
}: {
  slug: string;
  url: string | null;
  endpointId?: string;
  add?: boolean;
}) {
  const [result, action, pending] = useActionState(saveEndpointAction, null);
  const id = useId();
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="slug" value={slug} />
      {endpointId ? <input type="hidden" name="endpointId" value={endpointId} /> : null}
      {add ? <input type="hidden" name="add" value="true" /> : null}
      <label htmlFor={`${id}-url`} className="block text-sm font-medium">
        {add ? "Another endpoint's URL" : "Endpoint URL"}
      </label>
      <div className="flex flex-wrap gap-2">
        <input
          id={`${id}-url`}
          name="url"
          type="url"
          required
          defaultValue={url ?? ""}
          placeholder="https://shop.example/webhooks/backorders"
          className={`${input} min-w-64 flex-1`}
        />
        <button type="submit" className={primary} disabled={pending}>
          {pending ? "Saving…" : url ? "Save address" : add ? "Add endpoint" : "Create endpoint"}
        </button>
      </div>
      <Result result={result} />
    </form>
  );
}

/** A CSV of purchase orders and stock: Preview shows what would change; Apply does it, all or nothing. */
export function CsvUploadForm({ slug }: { slug: string }) {
  const [result, action, pending] = useActionState(uploadCsvAction, null);
  const id = useId();
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="slug" value={slug} />
      <label htmlFor={`${id}-file`} className="block text-sm font-medium">
        CSV file (kind, reference, supplier, expected_date, sku, quantity, note)
      </label>
      <input id={`${id}-file`} name="file" type="file" accept=".csv,text/csv" required className="block text-sm" />
      <div className="flex flex-wrap gap-2">
        <button type="submit" name="apply" value="false" className={secondary} disabled={pending}>
          {pending ? "Checking…" : "Preview"}
        </button>
        <button type="submit" name="apply" value="true" className={primary} disabled={pending}>
          {pending ? "Applying…" : "Apply"}
        </button>
      </div>
      <Result result={result} />
    </form>
  );
}

const emailNames: Record<NotificationSettings["emailsOff"][number], string> = {
  backordered: "Backorder confirmation (when an order waits for stock)",
  eta_moved: "A ship date moved",
  eta_confirmed: "A first ship date",
  shipped: "Shipped, with tracking",
};

/** The shop's notification settings, all in one form (the API's PATCH /settings/notifications rules). */
export function NotificationSettingsForm({ slug, settings }: { slug: string; settings: NotificationSettings }) {
  const [result, action, pending] = useActionState(saveNotificationSettingsAction, null);
  const id = useId();
  const number = (name: string, label: string, value: number, min: number, max: number) => (
    <label htmlFor={`${id}-${name}`} className="flex flex-wrap items-center gap-2 text-sm">
      <span className="min-w-72">{label}</span>
      <input
        id={`${id}-${name}`}
        name={name}
        type="number"
        inputMode="numeric"
        required
        min={min}
        max={max}
        defaultValue={value}
        className={`${input} w-24`}
      />
    </label>
  );
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="slug" value={slug} />
      {number("gatherMinutes", "ETA changes within this many minutes make one email", settings.gatherMinutes, 0, 1440)}
      {number(
        "etaLaterThresholdDays",
        "Email a later date from this many days (0: any)",
        settings.etaLaterThresholdDays,
        0,
        60,
      )}
      {number(
        "etaEarlierThresholdDays",
        "Email an earlier date from this many days",
        settings.etaEarlierThresholdDays,
        1,
        60,
      )}
      <fieldset className="space-y-1 text-sm">
        <legend className="font-medium">Emails sent</legend>
        {(Object.keys(emailNames) as (keyof typeof emailNames)[]).map((kind) => (
          <label key={kind} className="flex items-center gap-2" htmlFor={`${id}-${kind}`}>
            <input
              id={`${id}-${kind}`}
              type="checkbox"
              name="emailsOn"
              value={kind}
              defaultChecked={!settings.emailsOff.includes(kind)}
            />
            {emailNames[kind]}
          </label>
        ))}
        <p className="text-stone-700">Delay notices, cancellations and swaps are always sent.</p>
      </fieldset>
      <label className="flex items-center gap-2 text-sm" htmlFor={`${id}-showPoNotes`}>
        <input
          id={`${id}-showPoNotes`}
          type="checkbox"
          name="showPoNotes"
          value="true"
          defaultChecked={settings.showPoNotes}
        />
        ETA emails quote the supplier&apos;s note on a PO date change
      </label>
      <label htmlFor={`${id}-senderName`} className="flex flex-wrap items-center gap-2 text-sm">
        <span className="min-w-72">Sender name (empty: the shop&apos;s name)</span>
        <input
          id={`${id}-senderName`}
          name="senderName"
          maxLength={100}
          defaultValue={settings.senderName ?? ""}
          className={`${input} min-w-48 flex-1`}
        />
      </label>
      <label htmlFor={`${id}-replyTo`} className="flex flex-wrap items-center gap-2 text-sm">
        <span className="min-w-72">Replies go to (empty: the support email)</span>
        <input
          id={`${id}-replyTo`}
          name="replyTo"
          type="email"
          maxLength={254}
          defaultValue={settings.replyTo ?? ""}
          className={`${input} min-w-48 flex-1`}
        />
      </label>
      <button type="submit" className={primary} disabled={pending}>
        {pending ? "Saving…" : "Save notification settings"}
      </button>
      <Result result={result} />
    </form>
  );
}

/** Which event types an endpoint is sent: all (new ones too), or the ones ticked. */
export function SubscriptionsForm({
  slug,
  endpointId,
  eventTypes,
  allTypes,
}: {
  slug: string;
  endpointId: string;
  eventTypes: string[] | null;
  allTypes: readonly { type: string; summary: string }[];
}) {
  const [result, action, pending] = useActionState(setSubscriptionsAction, null);
  const id = useId();
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="endpointId" value={endpointId} />
      <fieldset className="space-y-1 text-sm">
        <legend className="font-medium">Events sent to this endpoint</legend>
        <label className="flex items-center gap-2">
          <input type="radio" name="scope" value="all" defaultChecked={eventTypes === null} /> All events, new types too
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="scope" value="some" defaultChecked={eventTypes !== null} /> Only the ones ticked:
        </label>
        <ul className="grid gap-1 pl-6 sm:grid-cols-2">
          {allTypes.map(({ type, summary }) => (
            <li key={type}>
              <label className="flex items-start gap-2" htmlFor={`${id}-${type}`}>
                <input
                  id={`${id}-${type}`}
                  type="checkbox"
                  name="eventTypes"
                  value={type}
                  defaultChecked={eventTypes?.includes(type) ?? false}
                  className="mt-1"
                />
                <span>
                  <span className="font-mono">{type}</span> <span className="text-stone-700">{summary}</span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <button type="submit" className={secondary} disabled={pending}>
        {pending ? "Saving…" : "Save subscriptions"}
      </button>
      <Result result={result} />
    </form>
  );
}

export function EndpointControls({
  slug,
  enabled,
  endpointId,
}: {
  slug: string;
  enabled: boolean;
  endpointId?: string;
}) {
  const [rotateResult, rotate, rotating] = useActionState(rotateEndpointSecretAction, null);
  const [toggleResult, toggle, toggling] = useActionState(setEndpointEnabledAction, null);
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <form action={rotate}>
          <input type="hidden" name="slug" value={slug} />
          {endpointId ? <input type="hidden" name="endpointId" value={endpointId} /> : null}
          <button type="submit" className={secondary} disabled={rotating}>
            {rotating ? "Rotating…" : "Rotate signing secret"}
          </button>
        </form>
        <form action={toggle}>
          <input type="hidden" name="slug" value={slug} />
          {endpointId ? <input type="hidden" name="endpointId" value={endpointId} /> : null}
          <input type="hidden" name="enabled" value={enabled ? "false" : "true"} />
          <button type="submit" className={secondary} disabled={toggling}>
            {enabled ? "Turn sending off" : "Turn sending on"}
          </button>
        </form>
      </div>
      <Result result={rotateResult} />
      <Result result={toggleResult} />
    </div>
  );
}

export function ShopifyForm({
  slug,
  shopDomain,
  connected,
}: {
  slug: string;
  shopDomain: string | null;
  connected: boolean;
}) {
  const [result, action, pending] = useActionState(connectShopifyAction, null);
  const id = useId();
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="slug" value={slug} />
      <div className="flex flex-wrap gap-3">
        <Field htmlFor={`${id}-domain`} label="Shop domain">
          <input
            id={`${id}-domain`}
            name="shopDomain"
            required
            defaultValue={shopDomain ?? ""}
            placeholder="northwind.myshopify.com"
            className={input}
          />
        </Field>
        <Field
          htmlFor={`${id}-secret`}
          label={connected ? "New Shopify webhook secret" : "Shopify webhook secret"}
          className="min-w-64 flex-1 space-y-1"
        >
          <input
            id={`${id}-secret`}
            name="secret"
            type="password"
            required
            autoComplete="off"
            className={`${input} w-full`}
          />
        </Field>
      </div>
      <button type="submit" className={primary} disabled={pending}>
        {pending ? "Saving…" : connected ? "Replace secret" : "Connect Shopify"}
      </button>
      <Result result={result} />
    </form>
  );
}

export function ShopifyControls({ slug, rotating }: { slug: string; rotating: boolean }) {
  const [endResult, end, ending] = useActionState(endShopifyRotationAction, null);
  const [disconnectResult, disconnect, disconnecting] = useActionState(disconnectShopifyAction, null);
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        {rotating ? (
          <form action={end}>
            <input type="hidden" name="slug" value={slug} />
            <button type="submit" className={secondary} disabled={ending}>
              Stop accepting the old secret
            </button>
          </form>
        ) : null}
        <form action={disconnect}>
          <input type="hidden" name="slug" value={slug} />
          <button type="submit" className={secondary} disabled={disconnecting}>
            Disconnect Shopify
          </button>
        </form>
      </div>
      <Result result={endResult} />
      <Result result={disconnectResult} />
    </div>
  );
}
