import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, shopifyFormTargets } from "./headers";

const formAction = (policy: string) => policy.split("; ").find((directive) => directive.startsWith("form-action"));

describe("form-action", () => {
  it("lets forms lead only to our own site unless the Shopify app is set up", () => {
    const policy = contentSecurityPolicy({
      nonce: null,
      https: true,
      formTargets: shopifyFormTargets(false, undefined),
    });
    expect(formAction(policy)).toBe("form-action 'self'");
  });

  it("lets the install form reach Shopify's authorize, admin and sign-in pages once the app is set up", () => {
    const policy = contentSecurityPolicy({
      nonce: null,
      https: true,
      formTargets: shopifyFormTargets(true, undefined),
    });
    expect(formAction(policy)).toBe(
      "form-action 'self' https://*.myshopify.com https://admin.shopify.com https://accounts.shopify.com",
    );
  });

  it("names only the stand-in's origin when tests point the app at one", () => {
    expect(shopifyFormTargets(true, "http://127.0.0.1:3300/some/path")).toEqual(["http://127.0.0.1:3300"]);
  });
});
