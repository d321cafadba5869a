import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { shops } from "../seed/catalog";
import { demoPicture } from "../seed/demo";
import { pictureSrc, webLink } from "./links";

const web = ["https://www.ups.com/track?tracknum=1Z999", "http://carrier.example/t/1"];
const onThisSite = ["/demo/products/nw-mug.svg"];
const refused = [
  "javascript:alert(1)",
  " JavaScript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "data:image/svg+xml,<svg/>",
  "vbscript:x",
  "//evil.example/x.png",
  "/\\evil.example",
  "not a url",
  "x.png",
  "",
  null,
  undefined,
];

describe("links from outside", () => {
  it("webLink keeps only absolute http(s) addresses; pictureSrc also paths on this site, and nothing that leaves it another way", () => {
    for (const url of web) expect([webLink(url), pictureSrc(url)]).toEqual([url, url]);
    for (const url of onThisSite) expect([webLink(url), pictureSrc(url)]).toEqual([null, url]);
    for (const url of refused) expect([webLink(url), pictureSrc(url)], String(url)).toEqual([null, null]);
  });

  it("has a drawn picture for every SKU of the demo", () => {
    const codes = shops.flatMap((shop) => shop.skus.map((sku) => sku.code));
    expect(codes.length).toBeGreaterThan(30);
    for (const code of codes) expect(existsSync(`public${demoPicture(code)}`), code).toBe(true);
  });
});
