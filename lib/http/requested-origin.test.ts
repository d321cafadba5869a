import { describe, expect, it } from "vitest";
import { requestedOrigin } from "./requested-origin";

const fallback = "http://localhost:3000";
const origin = (headers: Record<string, string>) => requestedOrigin(new Headers(headers), fallback);

describe("the origin a request was sent to", () => {
  it("is its Host, or a proxy's forwarded host and scheme", () => {
    expect(origin({ host: "127.0.0.1:3400" })).toBe("http://127.0.0.1:3400");
    expect(origin({ host: "[::1]:3400" })).toBe("http://[::1]:3400");
    expect(origin({ host: "app:3000", "x-forwarded-host": "orders.example.com", "x-forwarded-proto": "https" })).toBe(
      "https://orders.example.com",
    );
  });

  it("is the fallback when the headers name no plain host", () => {
    expect(origin({})).toBe(fallback);
    expect(origin({ host: "evil.example/path" })).toBe(fallback);
    expect(origin({ host: "user@evil.example" })).toBe(fallback);
    expect(origin({ host: "shop.example", "x-forwarded-proto": "javascript" })).toBe(fallback);
  });
});
