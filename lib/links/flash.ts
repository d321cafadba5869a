import { signToken, verifyToken } from "./tokens";

// The sentence an action answered, carried across its POST-redirect-GET in a short-lived cookie.
// Signed so a page never shows words someone else wrote, bound to the page it is for, and gone
// after one read (the page clears it) or a minute, whichever comes first.

export const flashCookie = "flash";
export const flashSeconds = 60;

export type Flash = { ok: boolean; message: string };

type FlashPayload = { p: string; ok: boolean; m: string; x: number };

/** The cookie value for `flash`, readable only on `path` until `flashSeconds` from `now`. */
export function flashValue(path: string, flash: Flash, now: Date = new Date()): string {
  const payload: FlashPayload = {
    p: path,
    ok: flash.ok,
    m: flash.message,
    x: Math.floor(now.getTime() / 1000) + flashSeconds,
  };
  return signToken("flash", payload);
}

/** The flash in a cookie value, if it is ours, unexpired and for this page; null otherwise. */
export function readFlash(value: string | undefined, path: string, now: Date = new Date()): Flash | null {
  if (!value) return null;
  const payload = verifyToken<FlashPayload>("flash", value);
  if (!payload || payload.p !== path || typeof payload.m !== "string" || typeof payload.ok !== "boolean") return null;
  if (typeof payload.x !== "number" || payload.x * 1000 < now.getTime()) return null;
  return { ok: payload.ok, message: payload.m };
}

/** Set-Cookie that removes the flash once its page has shown it. */
export const clearFlashCookie = `${flashCookie}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`;
