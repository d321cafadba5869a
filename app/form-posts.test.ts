import { describe, expect, it } from "vitest";
import { readFlash } from "@/lib/links/flash";
import { foreignOrigin, formPost, fromOurPage } from "./form-posts";

const post = (headers: Record<string, string>, body = "lineId=7") =>
  new Request("http://shop.example/orders/abc/cancel", {
    method: "POST",
    headers: { host: "shop.example", "content-type": "application/x-www-form-urlencoded", ...headers },
    body,
  });

describe("shopper form posts", () => {
  it("come only from our own pages, by Origin or, without one, Referer", () => {
    expect(fromOurPage(post({ origin: "http://shop.example" }))).toBe(true);
    expect(fromOurPage(post({ referer: "http://shop.example/orders/abc" }))).toBe(true);
    expect(fromOurPage(post({ origin: "https://evil.example" }))).toBe(false);
    expect(fromOurPage(post({ origin: "null" }))).toBe(false);
    expect(fromOurPage(post({ origin: "not a url" }))).toBe(false);
    expect(fromOurPage(post({}))).toBe(false);
    // A look-alike host is another site.
    expect(fromOurPage(post({ origin: "http://shop.example.evil.example" }))).toBe(false);
  });

  it("refuse another site's post before anything runs, and answer ours by POST-redirect-GET", async () => {
    const ran: string[] = [];
    const handler = formPost<{ orderId: string }>(
      async (form) => {
        ran.push(String(form.get("lineId")));
        return { ok: true, message: "Cancelled Tent." };
      },
      ({ orderId }) => `/orders/${orderId}`,
    );
    const context = { params: Promise.resolve({ orderId: "abc" }) };
    const refused = await handler(post({ origin: "https://evil.example" }), context);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toBe(foreignOrigin);
    expect(ran).toEqual([]);

    const answered = await handler(
      post({ origin: "http://shop.example", referer: "http://shop.example/orders/abc?cancel=7" }),
      context,
    );
    expect(ran).toEqual(["7"]);
    expect(answered.status).toBe(303);
    // Back to the page without the query that opened the confirmation, with the sentence for it.
    expect(answered.headers.get("location")).toBe("/orders/abc");
    const cookie = answered.headers.get("set-cookie")!;
    const value = /^flash=([^;]+);/.exec(cookie)![1];
    expect(readFlash(value, "/orders/abc")).toEqual({ ok: true, message: "Cancelled Tent." });
    expect(cookie).toContain("HttpOnly");
  });

  it("refuse a form far larger than any of ours unread, and run nothing", async () => {
    let ran = false;
    const handler = formPost(
      async () => {
        ran = true;
        return { ok: true, message: "done" };
      },
      () => "/",
    );
    const huge = post({ origin: "http://shop.example" }, `lineId=7&pad=${"x".repeat(64 * 1024)}`);
    const answer = await handler(huge, { params: Promise.resolve({}) });
    expect(answer.status).toBe(413);
    expect(await answer.text()).toMatch(/larger than 16 KB/);
    expect(ran).toBe(false);
  });
});
