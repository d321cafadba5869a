import { describe, expect, it } from "vitest";
import { signToken, verifyToken } from "./tokens";

describe("signed tokens", () => {
  const secret = "s".repeat(40);
  it("round-trips a payload for its purpose only", () => {
    const token = signToken("view", { o: "abc", i: 1 }, secret);
    expect(verifyToken("view", token, secret)).toEqual({ o: "abc", i: 1 });
    expect(verifyToken("preferences", token, secret)).toBeNull();
    expect(verifyToken("view", token, "t".repeat(40))).toBeNull();
  });
  it("refuses altered or malformed tokens", () => {
    const token = signToken("view", { o: "abc", i: 1 }, secret);
    const [body, sig] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ o: "other", i: 1 })).toString("base64url");
    expect(verifyToken("view", `${forged}.${sig}`, secret)).toBeNull();
    expect(verifyToken("view", `${body}.${sig}x`, secret)).toBeNull();
    expect(verifyToken("view", `${body}`, secret)).toBeNull();
    expect(verifyToken("view", `${token}.extra`, secret)).toBeNull();
    expect(verifyToken("view", "", secret)).toBeNull();
  });
});
