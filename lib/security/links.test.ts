import { describe, expect, it } from "vitest";
import { webLink } from "./links";

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
