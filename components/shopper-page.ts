import type { GetServerSidePropsContext } from "next";
import { readSession, refreshedCookie } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { readAfterCookie, readAfterPosition, reads, type Reads } from "@/lib/db/reads";
import { clearFlashCookie, flashCookie, readFlash, type Flash } from "@/lib/links/flash";

// What the shopper pages' getServerSideProps share: who is signed in, their reads (past their own
// last change), the flash a form post left for this page (read once, then cleared), the response's
// CSP nonce and its cache policy. Kept out of pages/ so it is not a route itself.

function addCookie(context: GetServerSidePropsContext, cookie: string) {
  const current = context.res.getHeader("set-cookie");
  const list = Array.isArray(current) ? current : current ? [String(current)] : [];
  context.res.setHeader("set-cookie", [...list, cookie]);
}

/** The signed-in shopper's email (lower-case), or null; refreshes the session cookie when its expiry moves. */
export async function pageShopper(context: GetServerSidePropsContext): Promise<string | null> {
  const session = await readSession(db(), context.req.cookies);
  if (session?.refresh) addCookie(context, refreshedCookie(session.refresh));
  return session?.email ?? null;
}

/**
 * The reads of whoever is asking, past their own last change: after a form post that changed
 * something (app/read-after.ts left its position in a cookie), a replica is read only once it
 * has replayed that far (lib/db/reads.ts). Without replicas, this is the primary.
 */
export function pageReads(context: GetServerSidePropsContext): Reads {
  return reads(readAfterPosition(context.req.cookies[readAfterCookie]));
}

/** The answer of the form post that led here, shown once. */
export function pageFlash(context: GetServerSidePropsContext): Flash | null {
  const value = context.req.cookies[flashCookie];
  if (!value) return null;
  addCookie(context, clearFlashCookie);
  return readFlash(value, context.resolvedUrl.split("?")[0]!);
}

/** This response's CSP nonce (proxy.ts puts it on the request), for the pages that load a script. */
export function pageNonce(context: GetServerSidePropsContext): string | null {
  const nonce = context.req.headers["x-nonce"];
  return typeof nonce === "string" ? nonce : null;
}

/** Every shopper page is about one person's order: never stored by a shared cache. */
export function privatePage(context: GetServerSidePropsContext) {
  context.res.setHeader("cache-control", "private, no-store");
}
