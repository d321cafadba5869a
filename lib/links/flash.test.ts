import { describe, expect, it } from "vitest";
import { signToken } from "./tokens";
import { flashSeconds, flashValue, readFlash } from "./flash";

describe("a form post's answer carried to the next page", () => {
  const now = new Date("2026-12-04T12:00:00Z");
  const later = (s: number) => new Date(now.getTime() + s * 1000);

  it("reads back on its own page until it expires", () => {
    const value = flashValue("/orders/abc", { ok: true, message: "Cancelled Tent." }, now);
    expect(readFlash(value, "/orders/abc", later(flashSeconds - 1))).toEqual({ ok: true, message: "Cancelled Tent." });
    expect(readFlash(value, "/orders/abc", later(flashSeconds + 1))).toBeNull();
  });

  it("never shows on another page, nor words we did not sign", () => {
    const value = flashValue("/orders/abc", { ok: false, message: "That item has shipped." }, now);
    expect(readFlash(value, "/orders/xyz", now)).toBeNull();
    expect(readFlash(undefined, "/orders/abc", now)).toBeNull();
    const [body, mac] = value.split(".");
    const forged = Buffer.from(JSON.stringify({ p: "/orders/abc", ok: true, m: "Your refund is $1,000", x: 9e9 }));
    expect(readFlash(`${forged.toString("base64url")}.${mac}`, "/orders/abc", now)).toBeNull();
    expect(readFlash(`${body}.${mac}x`, "/orders/abc", now)).toBeNull();
    // Signed, but for another purpose: a view link's token is not a flash.
    expect(readFlash(signToken("view", { p: "/orders/abc", ok: true, m: "x", x: 9e9 }), "/orders/abc", now)).toBeNull();
  });
});
