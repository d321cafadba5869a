import type { ReactNode } from "react";

/** One alternative as the swap form shows it: its name, what kind of change it is, its price. */
export type SwapChoice = { skuId: string; label: string; kind: string; price: string; difference: string };

/** Which confirmation the page opened (`?cancel=<line>|all`, `?swap=<line>`): how it works without JavaScript. */
export type OpenConfirmation = { cancel: number | "all" | null; swap: number | null };

const buttonBase = "inline-flex min-h-11 items-center justify-center rounded-lg px-4 py-2 text-sm font-semibold";
export const primary = `${buttonBase} bg-stone-900 text-white hover:bg-stone-800 disabled:opacity-70`;
export const secondary = `${buttonBase} border border-stone-400 bg-white text-stone-900 hover:bg-stone-50`;
export const danger = `${buttonBase} bg-red-700 text-white hover:bg-red-800 disabled:opacity-70`;

/**
 * A button that opens a confirmation. Without JavaScript it is a GET form: the page comes back with
 * the confirmation open (and scrolled to). public/js/forms.js opens the hidden one in place instead.
 */
export function ConfirmOpener({
  orderId,
  name,
  value,
  panel,
  label,
}: {
  orderId: string;
  name: "cancel" | "swap";
  value: string;
  panel: string;
  label: string;
}) {
  return (
    <form method="get" action={`/orders/${orderId}#${panel}`} data-reveal={panel}>
      <input type="hidden" name={name} value={value} />
      <button type="submit" className={secondary}>
        {label}
      </button>
    </form>
  );
}

/** Closes a confirmation: back to the plain order page, or (with JavaScript) hidden in place. */
export function ConfirmCloser({ orderId, label }: { orderId: string; label: string }) {
  return (
    <a href={`/orders/${orderId}`} data-dismiss="" className={secondary}>
      {label}
    </a>
  );
}

/**
 * A confirmation: a form posting to /orders/<id>/<action>, hidden until its opener opens it, with
 * the question (children) above the "yes" and the way back.
 */
export function Confirmation({
  orderId,
  panel,
  action,
  pending,
  open,
  tone = "danger",
  labelledBy,
  yes,
  no,
  children,
}: {
  orderId: string;
  panel: string;
  action: "cancel" | "swap";
  pending: string;
  open: boolean;
  tone?: "danger" | "neutral";
  labelledBy?: string;
  yes: string;
  no: string;
  children: ReactNode;
}) {
  return (
    <form
      id={panel}
      method="post"
      action={`/orders/${orderId}/${action}`}
      data-pending={pending}
      hidden={!open}
      className={`space-y-3 rounded-lg ${tone === "danger" ? "bg-red-50" : "bg-stone-50"} p-3`}
      aria-labelledby={labelledBy}
    >
      {children}
      <div className="flex flex-wrap gap-2">
        <button type="submit" className={tone === "danger" ? danger : primary}>
          {yes}
        </button>
        <ConfirmCloser orderId={orderId} label={no} />
      </div>
    </form>
  );
}

/**
 * Swap or cancel a waiting item; each asks for confirmation first. The confirmations are in the
 * page from the start (hidden) so that JavaScript can open them without a round trip.
 */
export function LineActions(props: {
  orderId: string;
  lineId: number;
  title: string;
  units: number;
  refund: string;
  options: SwapChoice[];
  open: OpenConfirmation;
}) {
  const cancelOpen = props.open.cancel === props.lineId;
  const swapOpen = props.open.swap === props.lineId && props.options.length > 0;
  const cancelPanel = `cancel-${props.lineId}`;
  const swapPanel = `swap-${props.lineId}`;
  return (
    <div className="space-y-3 border-t border-stone-200 pt-3" data-confirmations="">
      <div className="flex flex-wrap gap-2" data-openers="" hidden={cancelOpen || swapOpen}>
        {props.options.length > 0 ? (
          <ConfirmOpener
            orderId={props.orderId}
            name="swap"
            value={String(props.lineId)}
            panel={swapPanel}
            label="Swap for an in-stock item"
          />
        ) : null}
        <ConfirmOpener
          orderId={props.orderId}
          name="cancel"
          value={String(props.lineId)}
          panel={cancelPanel}
          label="Cancel item"
        />
      </div>

      <Confirmation
        orderId={props.orderId}
        panel={cancelPanel}
        action="cancel"
        pending="Cancelling…"
        open={cancelOpen}
        labelledBy={`${cancelPanel}-question`}
        yes="Yes, cancel it"
        no="Keep waiting"
      >
        <p id={`${cancelPanel}-question`} className="text-sm text-red-950">
          Cancel {props.units} × {props.title}? {props.refund} goes back to your original payment. This cannot be
          undone.
        </p>
        <input type="hidden" name="lineId" value={props.lineId} />
      </Confirmation>

      {props.options.length > 0 ? (
        <Confirmation
          orderId={props.orderId}
          panel={swapPanel}
          action="swap"
          pending="Swapping…"
          open={swapOpen}
          tone="neutral"
          yes="Swap to this item"
          no="Never mind"
        >
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">Swap {props.title} for one of these, in stock now:</legend>
            {/* Nothing is chosen for the shopper: the browser asks for a choice, and the server does too. */}
            {props.options.map((option) => (
              <label
                key={option.skuId}
                className="flex cursor-pointer items-start gap-3 rounded-lg border border-stone-300 bg-white p-3 has-[:checked]:border-stone-900"
              >
                <input type="radio" name="toSkuId" value={option.skuId} required className="mt-1 size-4" />
                <span>
                  <span className="block font-medium">{option.label}</span>
                  <span className="block text-sm text-stone-800">{option.kind}</span>
                  <span className="block text-sm text-stone-700">
                    {option.price} · {option.difference}
                  </span>
                </span>
              </label>
            ))}
          </fieldset>
          <input type="hidden" name="lineId" value={props.lineId} />
        </Confirmation>
      ) : null}
    </div>
  );
}
