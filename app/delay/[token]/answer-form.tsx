"use client";

import { useActionState } from "react";
import type { ActionResult } from "@/lib/actions/result";
import { answerDelayAction } from "./actions";

/** The two answers, each its own button; the one the email link chose comes first. */
export function DelayAnswerForm({
  token,
  canKeepWaiting,
  canCancel,
  preferred,
  title,
}: {
  token: string;
  canKeepWaiting: boolean;
  canCancel: boolean;
  preferred: "keep" | "cancel" | null;
  title: string;
}) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(answerDelayAction, null);
  if (state?.ok) {
    return (
      <p role="status" className="rounded-lg bg-emerald-50 px-4 py-3 text-emerald-900">
        {state.message}
      </p>
    );
  }
  const keep = canKeepWaiting ? (
    <button
      key="keep"
      type="submit"
      name="answer"
      value="keep_waiting"
      disabled={pending}
      className={`w-full rounded-lg px-4 py-3 font-semibold sm:w-auto ${preferred !== "cancel" ? "bg-brand text-brand-ink hover:opacity-90" : "border border-stone-400 bg-white text-stone-900 hover:bg-stone-50"} disabled:opacity-70`}
    >
      Keep waiting for {title}
    </button>
  ) : null;
  const cancel = canCancel ? (
    <button
      key="cancel"
      type="submit"
      name="answer"
      value="cancel"
      disabled={pending}
      className={`w-full rounded-lg px-4 py-3 font-semibold sm:w-auto ${preferred === "cancel" ? "bg-brand text-brand-ink hover:opacity-90" : "border border-stone-400 bg-white text-stone-900 hover:bg-stone-50"} disabled:opacity-70`}
    >
      Cancel {title}
    </button>
  ) : null;
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="token" value={token} />
      <div className="flex flex-col gap-3 sm:flex-row">{preferred === "cancel" ? [cancel, keep] : [keep, cancel]}</div>
      {state && !state.ok ? (
        <p role="alert" className="rounded-lg bg-amber-50 px-3 py-2 text-amber-900">
          {state.error}
        </p>
      ) : null}
      {pending ? (
        <p role="status" className="text-sm text-stone-600">
          Saving your answer…
        </p>
      ) : null}
    </form>
  );
}
