import { db } from "@/lib/db/client";
import { limitedBody, maxFormBodyBytes } from "@/lib/http/body";
import { preferencesUrl, readUnsubscribeToken } from "@/lib/notifications/links";
import { unsubscribeFromEtaUpdates } from "@/lib/notifications/preferences";
import { decodePathSegment } from "@/lib/security/text";

// POST /api/unsubscribe/{token} — one-click unsubscribe (RFC 8058), the address in every email's
// List-Unsubscribe header. Mail clients POST `List-Unsubscribe=One-Click`; it stops ETA updates
// for that email at once and answers with an empty 200. The signed token is the only input.
export async function POST(request: Request, { params }: { params: Promise<Record<string, string>> }) {
  // The body (List-Unsubscribe=One-Click) says nothing we use, but a large one is not read either.
  const body = await limitedBody(request, maxFormBodyBytes, false);
  if (!body.ok) return body.response;
  const link = readUnsubscribeToken(decodePathSegment((await params).token ?? "") ?? "");
  if (!link)
    return new Response("This unsubscribe link is not valid.", {
      status: 400,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  try {
    await unsubscribeFromEtaUpdates(db(), { email: link.email, now: new Date() });
  } catch (error) {
    console.error("unsubscribe failed", error);
    return new Response("Something went wrong on our side; please try again in a moment.", {
      status: 503,
      headers: { "content-type": "text/plain; charset=utf-8", "retry-after": "60" },
    });
  }
  return new Response(null, { status: 200 });
}

// GET /api/unsubscribe/{token} — a person (or a mail scanner) opening the address: nothing
// changes; they are sent to the preferences page, where a button does it.
export async function GET(_request: Request, { params }: { params: Promise<Record<string, string>> }) {
  const link = readUnsubscribeToken(decodePathSegment((await params).token ?? "") ?? "");
  if (!link)
    return new Response("This unsubscribe link is not valid.", {
      status: 400,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  return Response.redirect(preferencesUrl(link.email, null), 303);
}
