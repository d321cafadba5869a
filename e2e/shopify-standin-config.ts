// The Shopify stand-in's app credentials and shops for the browser tests: e2e/serve.ts gives them to
// the app and the stand-in; e2e/shopify.spec.ts signs tampered callbacks with the same secret.
export const e2eShopify = {
  apiKey: "e2e-client-id-0001",
  apiSecret: "e2e-client-secret-0123456789abcdef",
  /** One shop per Playwright project, so each installs onto a fresh one. */
  shops: ["e2e-outfitters-phone.myshopify.com", "e2e-outfitters-desktop.myshopify.com"],
  admin: "apps@portal.example",
};
