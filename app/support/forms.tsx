"use client";

import { useActionState, useId, useState } from "react";
import { addNote, cancelForShopper, overrideEtaForShopper, resendEmail, swapForShopper } from "./actions";
import type { ActionResult } from "@/lib/actions/result";
import { Field } from "@/components/field";

const button = "inline-flex min-h-10 items-center rounded-lg px-3 py-1.5 text-sm font-semibold";
const primary = `${button} bg-stone-900 text-white hover:bg-stone-800 disabled:opacity-70`;
const secondary = `${button} border border-stone-400 bg-white hover:bg-stone-50`;
const input = "rounded-lg border border-stone-400 bg-white px-2.5 py-1.5 text-sm";

function Result({ result }: { result: ActionResult | null }) {
  return (
    <p
      role="status"
      aria-live="polite"
      className={
        result
          ? `rounded-lg px-3 py-2 text-sm ${result.ok ? "bg-emerald-50 text-emerald-900" : "bg-red-50 text-red-900"}`
          : "sr-only"
      }
    >
      {result ? (result.ok ? result.message : result.error) : ""}
    </p>
  );
}

export type AgentLineTools = {
  orderId: string;
  lineId: number;
  title: string;
  canCancel: boolean;
  canSwap: boolean;
  canOverride: boolean;
  shipStart: string | null;
  shipEnd: string | null;
  today: string;
  swapOptions: { skuId: string; label: string }[];
};

/**
 * A swap for the shopper, in two steps like the shopper's own: choose (nothing is chosen for the
 * agent), then confirm a sentence that names both items and says the shopper will hear it was support.
 */
function SwapForm(props: AgentLineTools & { action: (form: FormData) => void; swapping: boolean; inputId: string }) {
  const [chosen, setChosen] = useState("");
  const [confirming, setConfirming] = useState(false);
  const label = props.swapOptions.find((o) => o.skuId === chosen)?.label;
  return (
    <form action={props.action} className="flex flex-wrap items-end gap-3 rounded-lg bg-stone-50 p-3">
      <input type="hidden" name="orderId" value={props.orderId} />
      <input type="hidden" name="lineId" value={props.lineId} />
      <Field htmlFor={props.inputId} label={<>Swap {props.title} to</>}>
        <select
          id={props.inputId}
          name="toSkuId"
          required
          value={chosen}
          onChange={(event) => {
            setChosen(event.target.value);
            setConfirming(false);
          }}
          className={input}
        >
          <option value="" disabled>
            Choose an item
          </option>
          {props.swapOptions.map((o) => (
            <option key={o.skuId} value={o.skuId}>
              {o.label}
            </option>
          ))}
        </select>
      </Field>
      {confirming && label ? (
        <div role="group" aria-label="Confirm the swap" className="basis-full space-y-2">
          <p className="text-sm">
            Swap {props.title} for {label}? The shopper is emailed that support made the change.
          </p>
          <div className="flex flex-wrap gap-2">
            <button type="submit" className={primary} disabled={props.swapping}>
              {props.swapping ? "Swapping…" : "Confirm swap"}
            </button>
            <button type="button" className={secondary} onClick={() => setConfirming(false)}>
              Back
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className={primary} disabled={!chosen} onClick={() => setConfirming(true)}>
          Review swap
        </button>
      )}
    </form>
  );
}

/** Cancel, swap or set the ship window of one line, for the shopper. */
export function LineTools(props: AgentLineTools) {
  const [open, setOpen] = useState<"none" | "cancel" | "swap" | "override">("none");
  const [cancelResult, cancel, cancelling] = useActionState(cancelForShopper, null);
  const [swapResult, swap, swapping] = useActionState(swapForShopper, null);
  const [overrideResult, override, overriding] = useActionState(overrideEtaForShopper, null);
  const id = useId();
  const result = open === "swap" ? swapResult : open === "override" ? overrideResult : cancelResult;
  if (!props.canCancel && !props.canSwap && !props.canOverride) return result ? <Result result={result} /> : null;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        {props.canOverride ? (
          <button
            type="button"
            className={secondary}
            aria-expanded={open === "override"}
            onClick={() => setOpen(open === "override" ? "none" : "override")}
          >
            Set ship window
          </button>
        ) : null}
        {props.canSwap ? (
          <button
            type="button"
            className={secondary}
            aria-expanded={open === "swap"}
            onClick={() => setOpen(open === "swap" ? "none" : "swap")}
          >
            Swap
          </button>
        ) : null}
        {props.canCancel ? (
          <button
            type="button"
            className={secondary}
            aria-expanded={open === "cancel"}
            onClick={() => setOpen(open === "cancel" ? "none" : "cancel")}
          >
            Cancel for shopper
          </button>
        ) : null}
      </div>
      {open === "override" ? (
        <form action={override} className="flex flex-wrap items-end gap-3 rounded-lg bg-sky-50 p-3">
          <input type="hidden" name="orderId" value={props.orderId} />
          <input type="hidden" name="lineId" value={props.lineId} />
          <Field htmlFor={`${id}-start`} label="Ships from">
            <input
              id={`${id}-start`}
              name="shipStart"
              type="date"
              required
              min={props.today}
              defaultValue={props.shipStart ?? undefined}
              className={input}
            />
          </Field>
          <Field htmlFor={`${id}-end`} label="Ships by">
            <input
              id={`${id}-end`}
              name="shipEnd"
              type="date"
              required
              min={props.today}
              defaultValue={props.shipEnd ?? undefined}
              className={input}
            />
          </Field>
          <Field htmlFor={`${id}-note`} label="Note for the shopper (required)" className="min-w-64 flex-1 space-y-1">
            <input id={`${id}-note`} name="note" required minLength={3} maxLength={500} className={`${input} w-full`} />
          </Field>
          <button type="submit" className={primary} disabled={overriding}>
            {overriding ? "Saving…" : "Save window"}
          </button>
        </form>
      ) : null}
      {open === "swap" ? <SwapForm {...props} action={swap} swapping={swapping} inputId={`${id}-swap`} /> : null}
      {open === "cancel" ? (
        <form action={cancel} className="flex flex-wrap items-end gap-3 rounded-lg bg-red-50 p-3">
          <input type="hidden" name="orderId" value={props.orderId} />
          <input type="hidden" name="lineId" value={props.lineId} />
          <Field htmlFor={`${id}-reason`} label="Reason (kept in the log)" className="min-w-64 flex-1 space-y-1">
            <input id={`${id}-reason`} name="reason" maxLength={500} className={`${input} w-full`} />
          </Field>
          <button
            type="submit"
            className={`${button} bg-red-700 text-white hover:bg-red-800 disabled:opacity-70`}
            disabled={cancelling}
          >
            {cancelling ? "Cancelling…" : `Yes, cancel ${props.title}`}
          </button>
        </form>
      ) : null}
      <Result result={result} />
    </div>
  );
}

export function NoteForm({ orderId }: { orderId: string }) {
  const [result, action, pending] = useActionState(addNote, null);
  const id = useId();
  return (
    <form action={action} className="space-y-2">
      <label htmlFor={`${id}-body`} className="block text-sm font-medium">
        Internal note (only support sees it)
      </label>
      <textarea id={`${id}-body`} name="body" rows={3} maxLength={5000} className={`${input} w-full`} />
      <input type="hidden" name="orderId" value={orderId} />
      <button type="submit" className={primary} disabled={pending}>
        {pending ? "Adding…" : "Add note"}
      </button>
      <Result result={result} />
    </form>
  );
}

export function ResendButton({
  orderId,
  notificationId,
  label,
}: {
  orderId: string;
  notificationId: string;
  label: string;
}) {
  const [result, action, pending] = useActionState(resendEmail, null);
  return (
    <form action={action} className="space-y-1">
      <input type="hidden" name="orderId" value={orderId} />
      <input type="hidden" name="notificationId" value={notificationId} />
      <button type="submit" className={secondary} disabled={pending} aria-label={`Resend ${label}`}>
        {pending ? "Queuing…" : "Resend"}
      </button>
      <Result result={result} />
    </form>
  );
}
