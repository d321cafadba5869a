import { describe, expect, it } from "vitest";
import { notificationPreviews } from "../notifications/previews";
import { renderNotification } from "../notifications/render";
import { headerText } from "./text";

describe("text for email headers", () => {
  it("drops bidi overrides, isolates, zero-width and control characters", () => {
    expect(headerText("Order #1: Refund \u202Egpj.exe\u202C ready")).toBe("Order #1: Refund gpj.exe ready");
    expect(headerText("Tent\r\nBcc: someone@evil.example")).toBe("Tent Bcc: someone@evil.example");
    expect(headerText("A\u2066B\u2069\u200BC\u0007D\u0085E\uFEFF")).toBe("A B C D E");
    expect(headerText("Trail Jacket — Green / M · Größe")).toBe("Trail Jacket — Green / M · Größe");
  });

  it("keeps a Shopify product title's bidi override and newline out of the subject and sender", async () => {
    const preview = notificationPreviews.find((p) => p.name.startsWith("backordered"))!.notification;
    const hostile = JSON.parse(
      JSON.stringify(preview.payload).replaceAll("Trail Jacket", "Trail \\u202Egpj.exe\\u202C\\r\\nJacket"),
    ) as typeof preview.payload;
    const email = await renderNotification(
      { ...preview, payload: hostile, merchant: { ...preview.merchant, name: "North\u202Ewind\nOutfitters" } },
      { appUrl: "http://localhost:3000", mailFrom: "Updates <updates@backorder.example>" },
    );
    expect(email.subject).toContain("Trail gpj.exe Jacket");
    expect(email.from).toBe('"North wind Outfitters" <updates@backorder.example>');
    for (const header of [email.subject, email.from]) expect(header).not.toMatch(/[\u0000-\u001f\u202a-\u202e]/);
  });
});
