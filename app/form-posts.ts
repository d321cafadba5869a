import type { ActionResult } from "@/lib/actions/result";
import { env } from "@/lib/env";
import { limitedBody, maxFormBodyBytes } from "@/lib/http/body";
import { flashCookie, flashSeconds, flashValue } from "@/lib/links/flash";

// The shopper pages' forms post here (route handlers) and are answered the way a document is:
// POST-redirect-GET back to the page, with the sentence the action answered in a signed flash
// cookie that the page shows once. No JavaScript is needed for any of it; public/js/forms.js only
// adds pending states and confirmation on top.

/** What a form post does: an action's answer shown on the page it came from, or another page. */
export type FormAnswer = ActionResult | { redirect: string };

export const foreignOrigin = "This form can only be sent from this site's own pages.";

function hostOf(request: Request): string | null {
  return request.headers.get("x-forwarded-host") ?? request.headers.get("host");
}

/**
 * The browser says which page sent the form (Origin on every POST from a form; Referer where an
 * old browser leaves Origin out): it must be one of ours, or someone else's page is acting with
 * the shopper's cookies. As Next's server actions do, against the Host the browser asked for.
 */
export function fromOurPage(request: Request): boolean {
  const host = hostOf(request);
  const sender = request.headers.get("origin") ?? request.headers.get("referer");
  if (!host || !sender || sender === "null") return false;
  try {
    return new URL(sender).host === host;
  } catch {
    return false;
  }
}

/** The page the form was on (our own, by its Referer), or `fallback`; its query only when asked. */
function pageOf(request: Request, fallback: string, keepQuery: boolean): { path: string; location: string } {
  const referer = request.headers.get("referer");
  if (referer) {
    try {
      const url = new URL(referer);
      if (url.host === hostOf(request) && url.pathname.startsWith("/"))
        return { path: url.pathname, location: keepQuery ? url.pathname + url.search : url.pathname };
    } catch {
      // Not a URL: the fallback page.
    }
  }
  return { path: new URL(fallback, "http://x").pathname, location: fallback };
}

function seeOther(location: string, cookie?: string): Response {
  const headers = new Headers({ location, "cache-control": "no-store" });
  if (cookie) headers.append("set-cookie", cookie);
  return new Response(null, { status: 303, headers });
}

/** The Set-Cookie for an action's answer, readable on `path` for a minute. */
export function flashSetCookie(path: string, result: ActionResult): string {
  const value = flashValue(
    path,
    result.ok ? { ok: true, message: result.message } : { ok: false, message: result.error },
  );
  const secure = env().APP_URL.startsWith("https:") ? "; Secure" : "";
  return `${flashCookie}=${value}; Path=/; Max-Age=${flashSeconds}; HttpOnly; SameSite=Lax${secure}`;
}

/**
 * A route handler for one shopper form. `run` gets the posted form (with the route's parameters
 * in `params`) and answers; a post from another site's page is refused with 403 before anything
 * is read or changed. `fallback` is the page to go back to when the browser did not say; the
 * page's query is dropped (it only opened a confirmation) unless `keepQuery`.
 */
export function formPost<P extends Record<string, string>>(
  run: (form: FormData, params: P, request: Request) => Promise<FormAnswer>,
  fallback: (params: P) => string,
  options: { keepQuery?: boolean } = {},
) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    if (!fromOurPage(request)) return new Response(foreignOrigin, { status: 403 });
    // Counted while it streams: a form larger than any of ours is refused unread (413).
    const body = await limitedBody(request, maxFormBodyBytes, false);
    if (!body.ok) return body.response;
    const params = await context.params;
    let form: FormData;
    try {
      const type = request.headers.get("content-type") ?? "";
      form = await new Response(Buffer.from(body.bytes), { headers: { "content-type": type } }).formData();
    } catch {
      // Not a form (or a broken one): the parse refuses it with its sentence.
      form = new FormData();
    }
    const answer = await run(form, params, request);
    if ("redirect" in answer) return seeOther(answer.redirect);
    const page = pageOf(request, fallback(params), options.keepQuery ?? false);
    return seeOther(page.location, flashSetCookie(page.path, answer));
  };
}
