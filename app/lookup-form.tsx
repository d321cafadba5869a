"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

/**
 * Order lookup. It posts to /lookup, which also works without JavaScript (a plain form post that
 * redirects); with JavaScript the typed values stay and the answer appears in place.
 */
export function LookupForm({ initialMessage }: { initialMessage?: string | null }) {
  const router = useRouter();
  const [number, setNumber] = useState("");
  const [email, setEmail] = useState("");
  const [message, setMessage] = useState<string | null>(initialMessage ?? null);
  const [pending, setPending] = useState(false);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setMessage(null);
    try {
      const response = await fetch("/lookup", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ number, email }),
      });
      const answer = (await response.json()) as { ok: boolean; url?: string; message?: string };
      if (answer.ok && answer.url) router.push(answer.url);
      else setMessage(answer.message ?? "Something went wrong; please try again.");
    } catch {
      setMessage("We could not reach the server. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <form
      action="/lookup"
      method="post"
      onSubmit={submit}
      className="space-y-4 rounded-xl border border-stone-200 bg-white p-5 shadow-sm"
    >
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
            value={number}
            onChange={(e) => setNumber(e.target.value)}
            aria-describedby={message ? "lookup-message" : undefined}
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
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-describedby={message ? "lookup-message" : undefined}
            className="block w-full rounded-lg border border-stone-400 px-3 py-2.5 text-base"
          />
        </div>
      </div>
      <p
        id="lookup-message"
        role="status"
        aria-live="polite"
        className={message ? "rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900" : "sr-only"}
      >
        {message ?? ""}
      </p>
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
