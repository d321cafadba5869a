import { signToken, verifyToken } from "../links/tokens";
import { viewToken } from "../links/view-link";
import type { LookupMatch } from "./lookup";

// Two shops can each hold an order with the same number and email. The lookup then answers with
// a short-lived signed list of them, and this page lets the shopper pick the shop: every order the
// number and email match can be reached, and none is picked for them at random.

const choiceMinutes = 15;

type ChoicePayload = { c: [string, string][]; i: number };

export function choiceToken(matches: LookupMatch[], now = new Date()): string {
  return signToken("choose", { c: matches.map((m) => [m.orderId, m.shop]), i: Math.floor(now.getTime() / 1000) });
}

/** The matches a choice token lists, or null when it was altered or is older than 15 minutes. */
export function readChoice(token: string, now = new Date()): LookupMatch[] | null {
  const payload = verifyToken<ChoicePayload>("choose", token);
  if (!payload || typeof payload.i !== "number" || !Array.isArray(payload.c)) return null;
  if (now.getTime() - payload.i * 1000 > choiceMinutes * 60_000) return null;
  return payload.c.map(([orderId, shop]) => ({ orderId, shop }));
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** A plain document (no script, no style of its own) listing the shops; each link is the order's view link. */
export function choicePage(matches: LookupMatch[] | null, now = new Date()): string {
  const body = matches
    ? `<h1>Which shop did you order from?</h1>
<p>Orders with this number and email were placed at more than one shop. Pick yours:</p>
<ul>${matches.map((m) => `<li><a href="/o/${viewToken(m.orderId, now)}">${escapeHtml(m.shop)}</a></li>`).join("")}</ul>`
    : `<h1>This choice has expired</h1>
<p>For your safety the list of shops is only shown for ${choiceMinutes} minutes. <a href="/">Look your order up again</a>.</p>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pick your shop</title></head>
<body><main>${body}</main></body></html>`;
}
