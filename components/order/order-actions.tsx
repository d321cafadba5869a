import type { FulfillmentPreference } from "@/lib/db/schema/orders";
import { Confirmation, ConfirmOpener, type OpenConfirmation } from "./line-actions";

const shippingChoices: { value: FulfillmentPreference; label: string }[] = [
  { value: "ship_available", label: "Ship what is ready now, the rest when it arrives" },
  { value: "ship_together", label: "Ship everything together, once it is all here" },
];

/** Order-wide choices: how the order ships, and cancelling everything still waiting. */
export function OrderActions(props: {
  orderId: string;
  preference: FulfillmentPreference;
  showPreference: boolean;
  waitingCount: number;
  waitingRefund: string;
  open: OpenConfirmation;
}) {
  const confirming = props.open.cancel === "all";
  return (
    <section
      aria-labelledby="order-choices"
      className="space-y-4 rounded-xl border border-stone-200 bg-white p-4 sm:p-5"
    >
      <h2 id="order-choices" className="text-lg font-semibold">
        Your choices for this order
      </h2>
      {props.showPreference ? (
        <form method="post" action={`/orders/${props.orderId}/shipping`} data-pending="Saving…" className="space-y-3">
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">How should it ship?</legend>
            {shippingChoices.map(({ value, label }) => (
              <label key={value} className="flex items-start gap-3">
                <input
                  type="radio"
                  name="preference"
                  value={value}
                  defaultChecked={props.preference === value}
                  className="mt-1 size-4"
                />
                <span>{label}</span>
              </label>
            ))}
          </fieldset>
          <button
            type="submit"
            className="inline-flex min-h-11 items-center rounded-lg border border-stone-400 bg-white px-4 py-2 text-sm font-semibold hover:bg-stone-50 disabled:opacity-70"
          >
            Save shipping choice
          </button>
        </form>
      ) : null}
      {props.waitingCount > 1 ? (
        <div className="space-y-2 border-t border-stone-200 pt-3" data-confirmations="">
          <div data-openers="" hidden={confirming}>
            <ConfirmOpener
              orderId={props.orderId}
              name="cancel"
              value="all"
              panel="cancel-all"
              label="Cancel everything not shipped yet"
            />
          </div>
          <Confirmation
            orderId={props.orderId}
            panel="cancel-all"
            action="cancel"
            pending="Cancelling…"
            open={confirming}
            yes="Yes, cancel all waiting items"
            no="Keep them"
          >
            <p className="text-sm text-red-950">
              Cancel all {props.waitingCount} waiting items? {props.waitingRefund} goes back to your original payment.
              Items already shipped or being packed are not affected.
            </p>
          </Confirmation>
        </div>
      ) : null}
    </section>
  );
}
