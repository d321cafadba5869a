import { describe, expect, it } from "vitest";
import { orderPayload, shopifyBody } from "../../../testing/shopify-examples";
import { verifyShopifyHmac, shopifyHmac } from "./hmac";
import { parseJsonKeepingLargeIntegers } from "./json";
import { orderUpsertFromShopify } from "./orders";
import { shopifyOrderSchema, toMinor } from "./payloads";

describe("reading Shopify payloads", () => {
  it("keeps ids above 2^53 exact, and leaves strings and small numbers alone", () => {
    const text =
      '{"id":820982911946154508,"n":-9007199254740993,"small":42,"price":"199.00","note":"id 820982911946154508, \\"quoted\\"","f":1.5e3,"list":[271878346596884015]}';
    expect(parseJsonKeepingLargeIntegers(text)).toEqual({
      id: "820982911946154508",
      n: "-9007199254740993",
      small: 42,
      price: "199.00",
      note: 'id 820982911946154508, "quoted"',
      f: 1500,
      list: ["271878346596884015"],
    });
    expect(JSON.parse(text).id).not.toBe(820982911946154508n.toString());
    expect(() => parseJsonKeepingLargeIntegers("{nope")).toThrow();
  });

  it("turns money into minor units by the currency's precision, without floating point", () => {
    expect(toMinor("199.00", "USD")).toBe(19900);
    expect(toMinor("19.99", "USD")).toBe(1999);
    expect(toMinor("0.1", "USD")).toBe(10);
    expect(toMinor("1999", "JPY")).toBe(1999);
    expect(toMinor("1.2345", "KWD")).toBe(1235);
    expect(toMinor("-5.00", "USD")).toBe(-500);
  });

  it("refuses an amount whose minor units would not fit, or that is not written as a decimal", () => {
    const order = (price: unknown) => ({
      id: 1,
      name: "#1",
      email: "a@example.com",
      currency: "USD",
      line_items: [{ id: 1, sku: "CAP", quantity: 1, price }],
    });
    expect(shopifyOrderSchema.safeParse(order("999999.99")).success).toBe(true);
    expect(shopifyOrderSchema.safeParse(order(19.5)).success).toBe(true);
    for (const price of ["9007199254740993", 9007199254740992, 1e21, 1e-7, "1000000.01"]) {
      expect(shopifyOrderSchema.safeParse(order(price)).success, String(price)).toBe(false);
    }
  });

  it("verifies the HMAC over the raw bytes with any of the secrets", () => {
    const body = Buffer.from('{"id":1}');
    const header = shopifyHmac("secret-one", body);
    expect(verifyShopifyHmac(body, header, ["secret-two", "secret-one"])).toBe(true);
    expect(verifyShopifyHmac(body, header, ["secret-two"])).toBe(false);
    expect(verifyShopifyHmac(Buffer.from('{"id":2}'), header, ["secret-one"])).toBe(false);
    expect(verifyShopifyHmac(body, null, ["secret-one"])).toBe(false);
    expect(verifyShopifyHmac(body, "not base64!", ["secret-one"])).toBe(false);
  });

  it("sums line items of one SKU, prices them after discounts, and leaves out what cannot wait", () => {
    const payload = orderPayload({
      name: "#9999",
      email: "Jon@Example.com",
      lines: [
        { sku: "IPOD-342-N", quantity: 1 },
        { sku: "IPOD-342-N", quantity: 1 },
        { sku: "EBOOK", quantity: 1, requiresShipping: false, title: "Guide (PDF)" },
        { sku: null, quantity: 1, title: "Gift wrap" },
      ],
    });
    payload.line_items[1]!.discount_allocations = [{ amount: "19.90" }] as never;
    const order = shopifyOrderSchema.parse(parseJsonKeepingLargeIntegers(shopifyBody(payload)));
    const { input, leftOut } = orderUpsertFromShopify(order);
    expect(input).toMatchObject({
      number: "#9999",
      email: "jon@example.com",
      externalId: "820982911946154508",
      channel: "shopify",
      currency: "USD",
    });
    expect(input.lines).toEqual([{ sku: "IPOD-342-N", quantity: 2, unitPriceMinor: 18905 }]);
    expect(leftOut).toEqual(["Guide (PDF) (does not ship)", "Gift wrap (no SKU)"]);
  });
});
