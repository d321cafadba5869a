import { describe, expect, it, vi } from "vitest";
import { DomainError } from "../errors";
import { settle, somethingWentWrong } from "./result";

describe("settle", () => {
  it("answers the work's message", async () => {
    expect(await settle("x", async () => ({ message: "Done.", secret: "s" }))).toEqual({
      ok: true,
      message: "Done.",
      secret: "s",
    });
  });
  it("answers an expected failure with its sentence, without logging", async () => {
    const result = await settle("x", async () => {
      throw new DomainError("conflict", "Tent 2P has already shipped.");
    });
    expect(result).toEqual({ ok: false, error: "Tent 2P has already shipped." });
    expect(console.error).not.toHaveBeenCalled();
  });
  it("logs anything else and answers the generic sentence, never the error's text", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const result = await settle("cancel", async () => {
      throw new Error("relation order_lines: connection terminated (secret detail)");
    });
    expect(result).toEqual({ ok: false, error: somethingWentWrong });
    expect(logged.mock.calls[0]?.[0]).toBe("cancel failed");
  });
});
