"use client";

import { useActionState, useId, useState } from "react";
import { cancelAction, swapAction } from "@/app/orders/[orderId]/actions";
import type { ActionResult } from "@/lib/actions/result";

export type SwapChoice = { skuId: string; label: string; price: string; difference: string };

const buttonBase = "inline-flex min-h-11 items-center justify-center rounded-lg px-4 py-2 text-sm font-semibold";
const primary = `${buttonBase} bg-stone-900 text-white hover:bg-stone-800 disabled:opacity-70`;
const secondary = `${buttonBase} border border-stone-400 bg-white text-stone-900 hover:bg-stone-50`;
const danger = `${buttonBase} bg-red-700 text-white hover:bg-red-800 disabled:opacity-70`;

export function ResultMessage({ result }: { result: ActionResult | null }) {
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

/**
 * Swap or cancel a waiting item; each asks for confirmation first. It stays mounted after the item
 * stops waiting (`actionable` false) so the confirmation is still announced and shown.
 */
export function LineActions(props: {
  orderId: string;
  lineId: number;
  title: string;
  units: number;
  refund: string;
  options: SwapChoice[];
  actionable: boolean;
}) {
  const [mode, setMode] = useState<"idle" | "cancel" | "swap">("idle");
  const [cancelResult, cancel, cancelling] = useActionState(cancelAction, null);
  const [swapResult, swap, swapping] = useActionState(swapAction, null);
  const id = useId();
  const result = mode === "swap" ? swapResult : cancelResult;
  if (!props.actionable) return result ? <ResultMessage result={result} /> : null;

  return (
    <div className="space-y-3 border-t border-stone-200 pt-3">
      {mode === "idle" ? (
        <div className="flex flex-wrap gap-2">
          {props.options.length > 0 ? (
            <button type="button" className={secondary} onClick={() => setMode("swap")}>
              Swap for an in-stock item
            </button>
          ) : null}
          <button type="button" className={secondary} onClick={() => setMode("cancel")}>
            Cancel item
          </button>
        </div>
      ) : null}

      {mode === "cancel" ? (
        <form action={cancel} className="space-y-3 rounded-lg bg-red-50 p-3" aria-labelledby={`${id}-cancel`}>
          <p id={`${id}-cancel`} className="text-sm text-red-950">
            Cancel {props.units} × {props.title}? {props.refund} goes back to your original payment. This cannot be
            undone.
          </p>
          <input type="hidden" name="orderId" value={props.orderId} />
          <input type="hidden" name="lineId" value={props.lineId} />
          <div className="flex flex-wrap gap-2">
            <button type="submit" className={danger} disabled={cancelling}>
              {cancelling ? "Cancelling…" : "Yes, cancel it"}
            </button>
            <button type="button" className={secondary} onClick={() => setMode("idle")}>
              Keep waiting
            </button>
          </div>
        </form>
      ) : null}

      {mode === "swap" ? (
        <form action={swap} className="space-y-3 rounded-lg bg-stone-50 p-3">
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">Swap {props.title} for one of these, in stock now:</legend>
            {props.options.map((option, i) => (
              <label
                key={option.skuId}
                className="flex cursor-pointer items-start gap-3 rounded-lg border border-stone-300 bg-white p-3 has-[:checked]:border-stone-900"
              >
                <input
                  type="radio"
                  name="toSkuId"
                  value={option.skuId}
                  defaultChecked={i === 0}
                  className="mt-1 size-4"
                />
                <span>
                  <span className="block font-medium">{option.label}</span>
                  <span className="block text-sm text-stone-700">
                    {option.price} · {option.difference}
                  </span>
                </span>
              </label>
            ))}
          </fieldset>
          <input type="hidden" name="orderId" value={props.orderId} />
          <input type="hidden" name="lineId" value={props.lineId} />
          <div className="flex flex-wrap gap-2">
            <button type="submit" className={primary} disabled={swapping}>
              {swapping ? "Swapping…" : "Swap to this item"}
            </button>
            <button type="button" className={secondary} onClick={() => setMode("idle")}>
              Never mind
            </button>
          </div>
        </form>
      ) : null}
      <ResultMessage result={result} />
    </div>
  );
}
