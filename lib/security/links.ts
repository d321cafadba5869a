// Links that come from outside (a carrier's tracking URL from a merchant's system) are shown only
// when they are plain web addresses. The ingest API and the Shopify path already refuse anything
// else; this keeps a stored `javascript:` or `data:` address from ever becoming a live link.

/** The URL as given when it is an absolute http(s) address, else null. */
export function webLink(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const { protocol } = new URL(url);
    return protocol === "https:" || protocol === "http:" ? url : null;
  } catch {
    return null;
  }
}

/** An item's picture: an absolute http(s) address, or a path on this site (the demo's pictures), else null. */
export function pictureSrc(url: string | null | undefined): string | null {
  if (url && /^\/[^/\\]/.test(url)) return url;
  return webLink(url);
}
