"use client";

import { useActionState, useState } from "react";
import { cancelAction, preferenceAction } from "@/app/orders/[orderId]/actions";
import { ResultMessage } from "./line-actions";

/** Order-wide choices: how the order ships, and cancelling everything still waiting. */
export function OrderActions(props: {
  orderId: string;
  preference: "ship_available" | "ship_together";
  showPreference: boolean;
  waitingCount: number;
  waitingRefund: string;
}) {
  const [preferenceResult, savePreference, saving] = useActionState(preferenceAction, null);
  const [cancelResult, cancelRest, cancelling] = useActionState(cancelAction, null);
  const [confirming, setConfirming] = useState(false);
  return (
    <section
      aria-labelledby="order-choices"
      className="space-y-4 rounded-xl border border-stone-200 bg-white p-4 sm:p-5"
    >
      <h2 id="order-choices" className="text-lg font-semibold">
        Your choices for this order
      </h2>
      {props.showPreference ? (
        <form action={savePreference} className="space-y-3">
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">How should it ship?</legend>
            <label className="flex items-start gap-3">
              <input
                type="radio"
                name="preference"
                value="ship_available"
                defaultChecked={props.preference === "ship_available"}
                className="mt-1 size-4"
              />
              <span>Ship what is ready now, the rest when it arrives</span>
            </label>
            <label className="flex items-start gap-3">
              <input
                type="radio"
                name="preference"
                value="ship_together"
                defaultChecked={props.preference === "ship_together"}
                className="mt-1 size-4"
              />
              <span>Ship everything together, once it is all here</span>
            </label>
          </fieldset>
          <input type="hidden" name="orderId" value={props.orderId} />
          <button
            type="submit"
            disabled={saving}
            className="inline-flex min-h-11 items-center rounded-lg border border-stone-400 bg-white px-4 py-2 text-sm font-semibold hover:bg-stone-50 disabled:opacity-70"
          >
            {saving ? "Saving…" : "Save shipping choice"}
          </button>
          <ResultMessage result={preferenceResult} />
        </form>
      ) : null}
      {props.waitingCount > 1 ? (
        <div className="space-y-2 border-t border-stone-200 pt-3">
          {!confirming ? (
            <button
              type="button"
              onClick={() => setConfirming(true)}
              className="inline-flex min-h-11 items-center rounded-lg border border-stone-400 bg-white px-4 py-2 text-sm font-semibold hover:bg-stone-50"
            >
              Cancel everything not shipped yet
            </button>
          ) : (
            <form action={cancelRest} className="space-y-3 rounded-lg bg-red-50 p-3">
              <p className="text-sm text-red-950">
                Cancel all {props.waitingCount} waiting items? {props.waitingRefund} goes back to your original payment.
                Items already shipped or being packed are not affected.
              </p>
              <input type="hidden" name="orderId" value={props.orderId} />
              <div className="flex flex-wrap gap-2">
                <button
                  type="submit"
                  disabled={cancelling}
                  className="inline-flex min-h-11 items-center rounded-lg bg-red-700 px-4 py-2 text-sm font-semibold text-white hover:bg-red-800 disabled:opacity-70"
                >
                  {cancelling ? "Cancelling…" : "Yes, cancel all waiting items"}
                </button>
                <button
                  type="button"
                  onClick={() => setConfirming(false)}
                  className="inline-flex min-h-11 items-center rounded-lg border border-stone-400 bg-white px-4 py-2 text-sm font-semibold"
                >
                  Keep them
                </button>
              </div>
            </form>
          )}
          <ResultMessage result={cancelResult} />
        </div>
      ) : null}
    </section>
  );
}
