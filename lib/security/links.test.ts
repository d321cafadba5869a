import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { shops } from "../seed/catalog";
import { demoPicture } from "../seed/demo";
import { pictureSrc, webLink } from "./links";

describe("webLink", () => {
  it("keeps http(s) addresses and drops every other scheme or non-URL", () => {
    expect(webLink("https://www.ups.com/track?tracknum=1Z999")).toBe("https://www.ups.com/track?tracknum=1Z999");
    expect(webLink("http://carrier.example/t/1")).toBe("http://carrier.example/t/1");
    for (const bad of [
      "javascript:alert(1)",
      " JavaScript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:x",
      "//evil.example",
      "/relative",
      "not a url",
      "",
      null,
      undefined,
    ]) {
      expect(webLink(bad), String(bad)).toBeNull();
    }
  });
});

describe("pictureSrc", () => {
  it("keeps web addresses and paths on this site, and nothing that leaves it another way", () => {
    expect(pictureSrc("https://cdn.shopify.com/s/files/tee.jpg")).toBe("https://cdn.shopify.com/s/files/tee.jpg");
    expect(pictureSrc("/demo/products/nw-mug.svg")).toBe("/demo/products/nw-mug.svg");
    for (const bad of [
      "//evil.example/x.png",
      "/\\evil.example",
      "javascript:alert(1)",
      "data:image/svg+xml,<svg/>",
      "x.png",
      "",
      null,
    ]) {
      expect(pictureSrc(bad), String(bad)).toBeNull();
    }
  });

  it("has a drawn picture for every SKU of the demo", () => {
    const codes = shops.flatMap((shop) => shop.skus.map((sku) => sku.code));
    expect(codes.length).toBeGreaterThan(30);
    for (const code of codes) expect(existsSync(`public${demoPicture(code)}`), code).toBe(true);
  });
});
