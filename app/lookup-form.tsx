"use client";

import { useActionState } from "react";
import { lookupOrder, type LookupState } from "./lookup-action";

export function LookupForm() {
  const [state, action, pending] = useActionState<LookupState, FormData>(lookupOrder, { message: null });
  return (
    <form action={action} className="space-y-4 rounded-xl border border-stone-200 bg-white p-5 shadow-sm" noValidate>
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="space-y-1">
          <label htmlFor="number" className="block text-sm font-medium">
            Order number
          </label>
          <input
            id="number"
            name="number"
            required
            autoComplete="off"
            placeholder="#1001"
            defaultValue={state.values?.number}
            aria-describedby={state.message ? "lookup-message" : undefined}
            className="block w-full rounded-lg border border-stone-400 px-3 py-2.5 text-base"
          />
        </div>
        <div className="space-y-1">
          <label htmlFor="email" className="block text-sm font-medium">
            Email you ordered with
          </label>
          <input
            id="email"
            name="email"
            type="email"
            required
            autoComplete="email"
            defaultValue={state.values?.email}
            aria-describedby={state.message ? "lookup-message" : undefined}
            className="block w-full rounded-lg border border-stone-400 px-3 py-2.5 text-base"
          />
        </div>
      </div>
      {state.message ? (
        <p id="lookup-message" role="alert" className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {state.message}
        </p>
      ) : null}
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-lg bg-stone-900 px-4 py-2.5 font-semibold text-white hover:bg-stone-800 disabled:opacity-70 sm:w-auto"
      >
        {pending ? "Looking…" : "Find my order"}
      </button>
    </form>
  );
}
