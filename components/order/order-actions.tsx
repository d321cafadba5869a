import { ConfirmCloser, ConfirmOpener, danger, type OpenConfirmation } from "./line-actions";

/** Order-wide choices: how the order ships, and cancelling everything still waiting. */
export function OrderActions(props: {
  orderId: string;
  preference: "ship_available" | "ship_together";
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
          <form
            id="cancel-all"
            method="post"
            action={`/orders/${props.orderId}/cancel`}
            data-pending="Cancelling…"
            hidden={!confirming}
            className="space-y-3 rounded-lg bg-red-50 p-3"
          >
            <p className="text-sm text-red-950">
              Cancel all {props.waitingCount} waiting items? {props.waitingRefund} goes back to your original payment.
              Items already shipped or being packed are not affected.
            </p>
            <div className="flex flex-wrap gap-2">
              <button type="submit" className={danger}>
                Yes, cancel all waiting items
              </button>
              <ConfirmCloser orderId={props.orderId} label="Keep them" />
            </div>
          </form>
        </div>
      ) : null}
    </section>
  );
}
