// POST /lookup — order number + email → the order's signed view page. A wrong email and a
// missing order get byte-identical answers. JSON for the enhanced form, redirects without JS.
import { db } from "@/lib/db/client";
import { lookupOrder } from "@/lib/orders/lookup";
import { viewToken } from "@/lib/links/view-link";
import { clientIp } from "@/lib/security/rate-limit";
import { lookupMessages } from "./messages";

export async function POST(request: Request) {
  const wantsJson = (request.headers.get("accept") ?? "").includes("application/json");
  let fields: { number: unknown; email: unknown };
  try {
    if ((request.headers.get("content-type") ?? "").includes("application/json")) {
      const body = (await request.json()) as Record<string, unknown>;
      fields = { number: body?.number, email: body?.email };
    } else {
      const form = await request.formData();
      fields = { number: form.get("number"), email: form.get("email") };
    }
  } catch {
    fields = { number: undefined, email: undefined };
  }
  const outcome = await lookupOrder(db(), { ...fields, ip: clientIp(request.headers) });
  const redirect = (location: string) => new Response(null, { status: 303, headers: { location } });

  switch (outcome.kind) {
    case "found": {
      const url = `/o/${viewToken(outcome.orderId)}`;
      return wantsJson ? Response.json({ ok: true, url }) : redirect(url);
    }
    case "invalid":
      return wantsJson
        ? Response.json({ ok: false, message: outcome.message }, { status: 422 })
        : redirect("/?lookup=invalid");
    case "slow_down":
      return wantsJson
        ? Response.json(
            { ok: false, message: lookupMessages.slow_down },
            { status: 429, headers: { "retry-after": String(outcome.retryAfterSeconds) } },
          )
        : redirect("/?lookup=slow_down");
    case "not_found":
      return wantsJson
        ? Response.json({ ok: false, message: lookupMessages.not_found }, { status: 404 })
        : redirect("/?lookup=not_found");
  }
}
