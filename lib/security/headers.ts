// The response headers every page and API answer carries, decided in one place (proxy.ts applies
// them; next.config.ts sets the ones that never change). Scripts run only with this request's
// nonce ('strict-dynamic' lets Next's own loader add its chunks); a response that ships no script
// (JSON, the plain documents route handlers write) gets script-src 'none'.

export type PageKind = "scripted" | "scriptless";

export function contentSecurityPolicy(options: {
  nonce: string | null;
  https: boolean;
  /** Origins a form may also lead to (Chromium checks form-action on every redirect after a submit). */
  formTargets?: readonly string[];
}): string {
  const directives = [
    "default-src 'self'",
    options.nonce ? `script-src 'self' 'nonce-${options.nonce}' 'strict-dynamic'` : "script-src 'none'",
    // React writes style attributes (bars, charts) and emails in the mailbox carry their own styles.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https:",
    "font-src 'self'",
    "connect-src 'self'",
    // Only the dev mailbox frames anything: an email's HTML, from srcdoc.
    "frame-src 'self'",
    "frame-ancestors 'none'",
    ["form-action 'self'", ...(options.formTargets ?? [])].join(" "),
    "base-uri 'none'",
    "object-src 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** Two years, subdomains included: only sent when the app is served over https (APP_URL). */
export const strictTransportSecurity = "max-age=63072000; includeSubDomains";

/** A fresh nonce for one response (base64 of 16 random bytes). */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

/** API answers and files are never pages: they need no script and no framing. */
export function isApiPath(pathname: string): boolean {
  return pathname.startsWith("/api/") || pathname === "/api" || pathname.endsWith(".csv") || pathname.endsWith(".json");
}

/**
 * Where the Shopify app's install form ends up: /api/shopify/install answers with a redirect to the
 * shop's authorize page, which Shopify may send on to its admin or its sign-in; with a local
 * stand-in (SHOPIFY_ADMIN_BASE_URL, tests only) its origin instead. Empty when the app is not set up.
 */
export function shopifyFormTargets(appConfigured: boolean, adminBaseUrl: string | undefined): string[] {
  if (!appConfigured) return [];
  if (adminBaseUrl) return [new URL(adminBaseUrl).origin];
  return ["https://*.myshopify.com", "https://admin.shopify.com", "https://accounts.shopify.com"];
}
