// POST /lookup — order number + email → the order's signed view page. A wrong email and a
// missing order get byte-identical answers. JSON for the enhanced form, redirects without JS.
import { db } from "@/lib/db/client";
import { readBodyBytes } from "@/lib/api/http";
import { clientAddress } from "@/lib/http/client-address";
import { viewToken } from "@/lib/links/view-link";
import { readsForCookieHeader } from "@/lib/db/reads";
import { lookupOrder } from "@/lib/orders/lookup";
import { choiceToken } from "@/lib/orders/lookup-choice";
import { lookupMessages } from "@/lib/orders/lookup-messages";

/** An order number and an email fit in far less; anything bigger is refused before it is read whole. */
const maxLookupBytes = 8 * 1024;

export async function POST(request: Request) {
  const wantsJson = (request.headers.get("accept") ?? "").includes("application/json");
  const redirect = (location: string) => new Response(null, { status: 303, headers: { location } });
  const bytes = await readBodyBytes(request, maxLookupBytes);
  if (!bytes)
    return wantsJson
      ? Response.json(
          { ok: false, message: lookupMessages.too_large },
          { status: 413, headers: { connection: "close" } },
        )
      : new Response(lookupMessages.too_large, {
          status: 413,
          headers: { "content-type": "text/plain; charset=utf-8", connection: "close" },
        });
  const fields = parseFields(request.headers.get("content-type") ?? "", Buffer.from(bytes).toString("utf8"));
  const outcome = await lookupOrder(
    db(),
    { ...fields, ip: clientAddress(request.headers) },
    new Date(),
    readsForCookieHeader(request.headers.get("cookie")),
  );

  switch (outcome.kind) {
    case "found": {
      const [only] = outcome.orders;
      const url =
        outcome.orders.length === 1
          ? `/o/${viewToken(only!.orderId)}`
          : `/lookup/choose?t=${choiceToken(outcome.orders)}`;
      return wantsJson ? Response.json({ ok: true, url }) : redirect(url);
    }
    case "invalid":
      return wantsJson
        ? Response.json({ ok: false, field: outcome.field, message: outcome.message }, { status: 422 })
        : redirect("/?lookup=invalid");
    case "slow_down":
      return wantsJson
        ? Response.json(
            { ok: false, message: lookupMessages.slow_down },
            { status: 429, headers: { "retry-after": String(outcome.retryAfterSeconds) } },
          )
        : redirect("/?lookup=slow_down");
    case "emailed":
      return wantsJson
        ? Response.json({ ok: false, message: lookupMessages.emailed }, { status: 202 })
        : redirect("/?lookup=emailed");
    case "not_found":
      return wantsJson
        ? Response.json({ ok: false, message: lookupMessages.not_found }, { status: 404 })
        : redirect("/?lookup=not_found");
  }
}

function parseFields(contentType: string, text: string): { number: unknown; email: unknown } {
  if (contentType.includes("application/json")) {
    try {
      const body = JSON.parse(text) as unknown;
      if (body && typeof body === "object") {
        const record = body as Record<string, unknown>;
        return { number: record.number, email: record.email };
      }
    } catch {
      // Not JSON: both fields are missing, which the lookup answers with a sentence.
    }
    return { number: undefined, email: undefined };
  }
  const form = new URLSearchParams(text);
  return { number: form.get("number") ?? undefined, email: form.get("email") ?? undefined };
}
