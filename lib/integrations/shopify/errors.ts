/**
 * A webhook that cannot be applied yet because another one has not been processed: a fulfillment
 * before its order, an order before its products, stock before the product that maps it. Shopify
 * does not promise order, so these are retried on a back-off before being given up as failed.
 */
export class WaitingFor extends Error {
  override name = "WaitingFor";
}
