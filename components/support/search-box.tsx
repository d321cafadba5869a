"use client";

import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import type { SearchHit } from "@/lib/support/search";

const matchedWords: Record<SearchHit["matched"], string> = {
  number: "order number",
  email: "email",
  name: "name",
  sku: "SKU",
  tracking: "tracking number",
};

/** Answers as the agent types: each keystroke (debounced) asks /support/api/search. */
export function SearchBox() {
  const [query, setQuery] = useState("");
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [state, setState] = useState<"idle" | "searching" | "error">("idle");
  const latest = useRef(0);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();

  // What was typed before the page's script ran (a quick agent, a slow phone) is searched for too:
  // the box keeps it, but React's state starts empty.
  useEffect(() => {
    const typed = input.current?.value ?? "";
    if (typed) setQuery(typed);
  }, []);

  const tooShort = query.trim().length < 2;
  useEffect(() => {
    const q = query.trim();
    if (q.length < 2) return;
    const ticket = ++latest.current;
    const timer = setTimeout(async () => {
      setState("searching");
      try {
        const response = await fetch(`/support/api/search?q=${encodeURIComponent(q)}`);
        const body = (await response.json()) as { hits: SearchHit[] };
        // Answers can arrive out of order; only the newest query's answer counts.
        if (ticket === latest.current) {
          setHits(body.hits);
          setState("idle");
        }
      } catch {
        if (ticket === latest.current) setState("error");
      }
    }, 150);
    return () => clearTimeout(timer);
  }, [query]);

  return (
    <div className="space-y-4">
      <div className="space-y-1">
        <label htmlFor={`${id}-q`} className="block font-medium">
          Order number, email, name, SKU or tracking number
        </label>
        <input
          ref={input}
          id={`${id}-q`}
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          autoFocus
          autoComplete="off"
          aria-describedby={`${id}-status`}
          className="block w-full max-w-xl rounded-lg border border-stone-400 bg-white px-3 py-2.5 text-base"
        />
      </div>
      <p id={`${id}-status`} role="status" aria-live="polite" className="text-sm text-stone-700">
        {state === "error"
          ? "Search failed; try again."
          : tooShort || hits === null
            ? "Type at least two characters."
            : `${hits.length === 20 ? "20 or more" : hits.length} ${hits.length === 1 ? "order" : "orders"} found.`}
      </p>
      {!tooShort && hits && hits.length > 0 ? (
        <ul className="divide-y divide-stone-200 overflow-hidden rounded-xl border border-stone-200 bg-white">
          {hits.map((hit) => (
            <li key={hit.orderId}>
              <Link
                href={`/support/orders/${hit.orderId}`}
                className="flex flex-wrap items-baseline gap-x-4 gap-y-1 px-4 py-3 hover:bg-stone-50"
              >
                <span className="font-semibold">{hit.number}</span>
                <span>{hit.customerName ?? hit.email}</span>
                <span className="text-sm text-stone-700">{hit.email}</span>
                <span className="text-sm text-stone-700">
                  <span
                    className="mr-1 inline-block size-2.5 rounded-full"
                    style={{ backgroundColor: hit.brandColor }}
                    aria-hidden="true"
                  />
                  {hit.merchantName}
                </span>
                <span className="text-sm text-stone-700 sm:ml-auto">
                  {hit.waitingCount > 0
                    ? `${hit.waitingCount} of ${hit.lineCount} waiting`
                    : `${hit.lineCount} ${hit.lineCount === 1 ? "line" : "lines"}`}{" "}
                  · matched {matchedWords[hit.matched]} “{hit.matchedValue}”
                </span>
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
