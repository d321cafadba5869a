"use client";

import { useActionState } from "react";
import type { ActionResult } from "@/lib/actions/result";
import { savePreferencesAction } from "./actions";

type Props = {
  token: string;
  allOrders: boolean;
  order: { number: string; choice: boolean | null } | null;
};

function Choice({
  name,
  value,
  label,
  hint,
  defaultChecked,
}: {
  name: string;
  value: string;
  label: string;
  hint?: string;
  defaultChecked: boolean;
}) {
  const id = `${name}-${value}`;
  return (
    <div className="flex items-start gap-3 rounded-lg border border-stone-300 bg-white p-3 has-[:checked]:border-[var(--brand-accent)] has-[:checked]:ring-1 has-[:checked]:ring-[var(--brand-accent)]">
      <input
        id={id}
        type="radio"
        name={name}
        value={value}
        defaultChecked={defaultChecked}
        aria-describedby={hint ? `${id}-hint` : undefined}
        className="mt-1 size-5 shrink-0 accent-[var(--brand-accent)]"
      />
      <label htmlFor={id} className="flex-1">
        <span className="block font-medium">{label}</span>
        {hint ? (
          <span id={`${id}-hint`} className="block text-sm text-stone-600">
            {hint}
          </span>
        ) : null}
      </label>
    </div>
  );
}

export function PreferencesForm({ token, allOrders, order }: Props) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(savePreferencesAction, null);
  const orderChoice = order ? (order.choice === null ? "follow" : order.choice ? "yes" : "no") : null;
  return (
    <form action={action} className="space-y-6">
      <input type="hidden" name="token" value={token} />
      {order ? (
        <fieldset className="space-y-2">
          <legend className="mb-2 text-lg font-semibold">When a ship date on order {order.number} moves</legend>
          <Choice
            name="order"
            value="follow"
            label="Follow my choice for all orders"
            defaultChecked={orderChoice === "follow"}
          />
          <Choice name="order" value="yes" label="Email me" defaultChecked={orderChoice === "yes"} />
          <Choice
            name="order"
            value="no"
            label="Do not email me"
            hint="You can still see every date on the order page."
            defaultChecked={orderChoice === "no"}
          />
        </fieldset>
      ) : null}
      <fieldset className="space-y-2">
        <legend className="mb-2 text-lg font-semibold">When a ship date moves, on all my orders</legend>
        <Choice name="allOrders" value="yes" label="Email me" defaultChecked={allOrders} />
        <Choice name="allOrders" value="no" label="Do not email me" defaultChecked={!allOrders} />
      </fieldset>
      <div aria-live="polite" className="min-h-6">
        {state ? (
          <p
            role={state.ok ? "status" : "alert"}
            className={
              state.ok
                ? "rounded-lg bg-emerald-50 px-3 py-2 text-emerald-900"
                : "rounded-lg bg-amber-50 px-3 py-2 text-amber-900"
            }
          >
            {state.ok ? state.message : state.error}
          </p>
        ) : null}
      </div>
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-lg bg-brand px-4 py-3 font-semibold text-brand-ink hover:opacity-90 disabled:opacity-70 sm:w-auto"
      >
        {pending ? "Saving…" : "Save my choices"}
      </button>
    </form>
  );
}
