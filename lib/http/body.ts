import { readBodyBytes } from "../api/http";

// Request bodies are counted while they stream in and refused past a small limit, before
// anything parses them: a 50 MB form costs us 16 KB, not 166 MB of memory and a stalled event loop.

/** Forms and JSON that people and their browsers send: sign-in, sign-out, lookup, unsubscribe, search. */
export const maxFormBodyBytes = 16 * 1024;

export function bodyTooLarge(limit: number, api: boolean): Response {
  const message = `The request body is larger than ${Math.round(limit / 1024)} KB, which is more than this form ever sends; nothing was done.`;
  // The rest of the body is never read: the connection cannot carry another request.
  const headers = { connection: "close" };
  return api
    ? Response.json({ error: { code: "too_large", field: "(body)", message } }, { status: 413, headers })
    : new Response(message, { status: 413, headers: { ...headers, "content-type": "text/plain; charset=utf-8" } });
}

/** The body's bytes, or the 413 to answer when it is larger than `limit`. */
export async function limitedBody(
  request: Request,
  limit: number,
  api = true,
): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; response: Response }> {
  const bytes = await readBodyBytes(request, limit);
  return bytes ? { ok: true, bytes } : { ok: false, response: bodyTooLarge(limit, api) };
}
