// The origin a browser sent a request to, from its headers (as Auth.js reads them: a proxy's
// X-Forwarded-Host and -Proto first, then Host), for links and redirects when APP_URL is not set
// (lib/env.ts siteOrigin). `fallback` when the headers name no usable host.

export function requestedOrigin(headers: Headers, fallback: string): string {
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host");
  const scheme = headers.get("x-forwarded-proto")?.split(",")[0]?.trim() || new URL(fallback).protocol.replace(":", "");
  if (!host || !/^https?$/.test(scheme)) return fallback;
  try {
    const url = new URL(`${scheme}://${host}`);
    // A host header with a path, user or query in it is nobody's address.
    return url.host === host.toLowerCase() ? url.origin : fallback;
  } catch {
    return fallback;
  }
}
