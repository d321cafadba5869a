import { z } from "zod";
import { isIsoDate } from "../dates";
import { backorderPolicies } from "../db/schema/catalog";
import { purchaseOrderStatuses } from "../db/schema/supply";
import { publicEventSchema } from "../events/catalogue";
import { isStorableText, unstorableTextMessage } from "../security/text";

// The ingest API's input, one schema per resource. Route handlers parse with these, the domain
// takes their inferred types, and /api/v1/openapi.json is generated from them.

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`)
    .refine(isStorableText, unstorableTextMessage);

export const skuCode = text(100).describe("The merchant's SKU code");

export const isoDate = z
  .string()
  .refine(isIsoDate, "must be a calendar date like 2026-12-12")
  .describe("A calendar date, YYYY-MM-DD");

const quantity = z
  .number()
  .int("must be a whole number")
  .positive("must be at least 1")
  .max(100_000, "must be at most 100000");

export const shippingAddressSchema = z
  .object({
    name: text(200).optional(),
    line1: text(200).optional(),
    line2: text(200).optional(),
    city: text(100).optional(),
    region: text(100).optional(),
    postalCode: text(20).optional(),
    country: text(2).optional(),
  })
  .strict();

export const orderLineInputSchema = z
  .object({
    sku: skuCode,
    quantity,
    unitPriceMinor: z
      .number()
      .int()
      .min(0)
      .max(100_000_000)
      .optional()
      .describe("Price per unit in minor units; defaults to the SKU's price"),
  })
  .strict();

export const orderUpsertSchema = z
  .object({
    number: text(64).describe("The order number shoppers see, e.g. #1001; unique per merchant"),
    email: z
      .email("must be an email address")
      .max(254)
      .transform((e) => e.toLowerCase()),
    customerName: text(200).optional(),
    channel: z.enum(["web", "shopify", "api", "pos", "phone"]).optional(),
    placedAt: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" }).optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "must be a three-letter currency code")
      .optional(),
    shippingAddress: shippingAddressSchema.optional(),
    externalId: text(100).optional(),
    lines: z.array(orderLineInputSchema).min(1, "must have at least one line").max(500, "must have at most 500 lines"),
  })
  .strict();

export type OrderUpsert = z.infer<typeof orderUpsertSchema>;

/** The most orders one `upsertOrders` call (one POST /api/v1/order-batches) takes. */
export const maxOrdersPerBatch = 100;

/** From one to `max` items written together, all of them or none; the errors name them (`noun`s). */
const together = <Item extends z.ZodType>(item: Item, noun: string, max: number, description: string) =>
  z
    .array(item)
    .min(1, `must have at least one ${noun}`)
    .max(max, `must have at most ${max} ${noun}s`)
    .describe(description);

export const orderBatchSchema = z
  .object({
    orders: together(
      orderUpsertSchema,
      "order",
      maxOrdersPerBatch,
      "Orders created or updated together: all of them or none",
    ),
  })
  .strict();

export const stockLevelsSchema = z
  .object({
    levels: z
      .array(
        z.object({ sku: skuCode, onHand: z.number().int().min(0, "must not be negative").max(10_000_000) }).strict(),
      )
      .min(1)
      .max(1000),
  })
  .strict();

export type StockLevels = z.infer<typeof stockLevelsSchema>;

/** The most SKUs one POST /api/v1/skus takes. */
export const maxSkusPerCall = 1000;

export const skuUpsertSchema = z
  .object({
    sku: skuCode,
    product: text(100)
      .optional()
      .describe(
        "The product's handle: SKUs of one product are the sizes or colours a shopper can swap between; omitted: a product of its own, named by the SKU code",
      ),
    title: text(200).describe("The product's name, as shoppers read it"),
    variantTitle: text(200).nullable().optional().describe('The variant, e.g. "Forest green, M"; null clears it'),
    priceMinor: z.number().int("must be a whole number").min(0, "must not be negative").max(100_000_000),
    imageUrl: z
      .url({ protocol: /^https$/, error: "must be an https URL" })
      .max(2000, "must be at most 2000 characters")
      .refine(isStorableText, unstorableTextMessage)
      .nullable()
      .optional()
      .describe("A picture of the item, shown on the order page with the title as its alt text; null clears it"),
    backorderPolicy: z
      .enum(backorderPolicies, { error: "must be allow, deny or preorder" })
      .optional()
      .describe(
        "allow: sold while out of stock; deny: not sold without stock; preorder: sold before its release date (default allow)",
      ),
    releaseDate: isoDate.nullable().optional().describe("A pre-order's release date (only a pre-order has one)"),
  })
  .strict();

export const skuCatalogSchema = z
  .object({
    skus: together(
      skuUpsertSchema,
      "SKU",
      maxSkusPerCall,
      "SKUs created or updated together, all of them or none; stock is set by POST /stock",
    ),
  })
  .strict();

export type SkuCatalog = z.infer<typeof skuCatalogSchema>;

export const purchaseOrderLineInputSchema = z.object({ sku: skuCode, quantity }).strict();

export const purchaseOrderUpsertSchema = z
  .object({
    reference: text(64).describe("The merchant's PO number, unique per merchant"),
    supplier: text(200).describe("Supplier name; created if new"),
    expectedDate: isoDate.describe("The date the supplier promises"),
    shipmentMode: text(40)
      .optional()
      .describe(
        'How the goods travel ("Air", "Ocean", "Truck"...; any text, compared without case): the slip window reads the supplier\'s history in the same mode',
      ),
    note: text(500).optional(),
    lines: z.array(purchaseOrderLineInputSchema).min(1).max(1000),
  })
  .strict();

export type PurchaseOrderUpsert = z.infer<typeof purchaseOrderUpsertSchema>;

export const purchaseOrderDateSchema = z.object({ expectedDate: isoDate, note: text(500).optional() }).strict();

export const receiptSchema = z
  .object({
    receivedAt: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" }).optional(),
    lines: z.array(purchaseOrderLineInputSchema).min(1).max(1000),
  })
  .strict();

export type Receipt = z.infer<typeof receiptSchema>;

export const shipmentSchema = z
  .object({
    orderNumber: text(64),
    carrier: text(100).optional(),
    trackingNumber: text(100).optional(),
    trackingUrl: z
      .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
      .max(2000)
      .refine(isStorableText, unstorableTextMessage)
      .optional(),
    shippedAt: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" }).optional(),
    externalId: text(100).optional().describe("The merchant's shipment id; a repeat with the same id has no effect"),
    lines: z
      .array(z.object({ sku: skuCode, quantity }).strict())
      .min(1)
      .max(500),
  })
  .strict();

export type ShipmentInput = z.infer<typeof shipmentSchema>;

export const orderCancelSchema = z
  .object({
    skus: z
      .array(skuCode)
      .min(1)
      .max(500)
      .optional()
      .describe("SKUs whose open units to cancel; omitted: every unshipped line"),
    reason: text(500).optional(),
  })
  .strict();

// Responses.

const window = z.object({ start: z.string(), end: z.string() }).nullable();

export const orderResultSchema = z.object({
  orderId: z.string(),
  number: z.string(),
  created: z.boolean(),
  lines: z.array(
    z.object({
      id: z.number(),
      sku: z.string(),
      quantity: z.number(),
      status: z.string(),
      shipWindow: window,
      basis: z.string(),
    }),
  ),
});

export const orderBatchResultSchema = z.object({ orders: z.array(orderResultSchema) });

export const orderViewSchema = z.object({
  id: z.string(),
  number: z.string(),
  email: z.string(),
  placedAt: z.string(),
  fulfillmentPreference: z.string(),
  lines: z.array(
    z.object({
      id: z.number(),
      sku: z.string(),
      title: z.string(),
      quantity: z.number(),
      allocated: z.number(),
      shipped: z.number(),
      cancelled: z.number(),
      status: z.string(),
      shipWindow: window,
      deliveryWindow: window,
      basis: z.string(),
      queuePosition: z.number(),
      rolling: z.boolean(),
      acceptedOnDeny: z.boolean(),
    }),
  ),
});

export const cancelResultSchema = z.object({
  cancelled: z.array(z.object({ sku: z.string(), units: z.number(), refundMinor: z.number() })),
  alreadyCancelled: z.number(),
});

export const purchaseOrderResultSchema = z.object({
  purchaseOrderId: z.string(),
  created: z.boolean(),
  linesRedated: z.number(),
});
export const stockResultSchema = z.object({ updated: z.number(), linesRedated: z.number() });
export const skuCatalogResultSchema = z.object({ created: z.number(), updated: z.number() });
export const shipmentResultSchema = z.object({ shipmentId: z.string(), created: z.boolean() });

export const eventFeedSchema = z.object({
  events: z.array(publicEventSchema).describe("Oldest first; each as its webhook would carry it"),
  next: z
    .string()
    .nullable()
    .describe("Pass as `after` for the next page (also when this one is empty); null before the first event"),
  hasMore: z.boolean().describe("More events are ready now: fetch the next page at once"),
});

export const purchaseOrderViewSchema = z.object({
  reference: z.string(),
  supplier: z.string(),
  status: z.enum(purchaseOrderStatuses),
  expectedDate: z.string(),
  firstPromisedDate: z.string(),
  shipmentMode: z.string().nullable(),
  placedAt: z.string(),
  receivedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  lines: z.array(z.object({ sku: z.string(), quantity: z.number(), received: z.number() })),
  dateChanges: z
    .array(z.object({ from: z.string().nullable(), to: z.string(), note: z.string().nullable(), at: z.string() }))
    .describe("Every expected date it has had, with the supplier's note"),
});

export const purchaseOrderListSchema = z.object({
  purchaseOrders: z.array(purchaseOrderViewSchema),
  next: z.string().nullable().describe("Pass as `after` for the next page"),
  hasMore: z.boolean(),
});

export const shipmentViewSchema = z.object({
  id: z.string(),
  externalId: z.string(),
  orderNumber: z.string(),
  carrier: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  trackingUrl: z.string().nullable(),
  shippedAt: z.string(),
  deliveredAt: z.string().nullable(),
  lines: z.array(z.object({ sku: z.string(), units: z.number() })),
});

export const deliverySchema = z
  .object({
    deliveredAt: z.iso
      .datetime({ offset: true, error: "must be an ISO 8601 date-time" })
      .optional()
      .describe("When the carrier delivered it; default: now"),
  })
  .strict();

export const deliveryResultSchema = z.object({
  shipmentId: z.string(),
  deliveredAt: z.string(),
  alreadyDelivered: z.boolean(),
});
