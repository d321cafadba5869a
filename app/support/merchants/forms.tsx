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
  setEndpointEnabledAction,
} from "./actions";
import type { ActionResult } from "@/lib/actions/result";

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
      <p>{result ? (result.ok ? result.message : result.error) : ""}</p>
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

export function EndpointForm({ slug, url }: { slug: string; url: string | null }) {
  const [result, action, pending] = useActionState(saveEndpointAction, null);
  const id = useId();
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="slug" value={slug} />
      <label htmlFor={`${id}-url`} className="block text-sm font-medium">
        Endpoint URL
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
          {pending ? "Saving…" : url ? "Save address" : "Create endpoint"}
        </button>
      </div>
      <Result result={result} />
    </form>
  );
}

export function EndpointControls({ slug, enabled }: { slug: string; enabled: boolean }) {
  const [rotateResult, rotate, rotating] = useActionState(rotateEndpointSecretAction, null);
  const [toggleResult, toggle, toggling] = useActionState(setEndpointEnabledAction, null);
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <form action={rotate}>
          <input type="hidden" name="slug" value={slug} />
          <button type="submit" className={secondary} disabled={rotating}>
            {rotating ? "Rotating…" : "Rotate signing secret"}
          </button>
        </form>
        <form action={toggle}>
          <input type="hidden" name="slug" value={slug} />
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
        <div className="space-y-1">
          <label htmlFor={`${id}-domain`} className="block text-sm font-medium">
            Shop domain
          </label>
          <input
            id={`${id}-domain`}
            name="shopDomain"
            required
            defaultValue={shopDomain ?? ""}
            placeholder="northwind.myshopify.com"
            className={input}
          />
        </div>
        <div className="min-w-64 flex-1 space-y-1">
          <label htmlFor={`${id}-secret`} className="block text-sm font-medium">
            {connected ? "New Shopify webhook secret" : "Shopify webhook secret"}
          </label>
          <input
            id={`${id}-secret`}
            name="secret"
            type="password"
            required
            autoComplete="off"
            className={`${input} w-full`}
          />
        </div>
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
