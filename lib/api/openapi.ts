import { z } from "zod";
import { envelopeSchema, eventExamples, eventDataSchemas, publicEventTypes } from "../events/catalogue";
import {
  cancelResultSchema,
  deliveryResultSchema,
  deliverySchema,
  eventFeedSchema,
  purchaseOrderListSchema,
  purchaseOrderViewSchema,
  shipmentViewSchema,
  orderCancelSchema,
  orderBatchResultSchema,
  orderBatchSchema,
  orderResultSchema,
  orderUpsertSchema,
  orderViewSchema,
  purchaseOrderDateSchema,
  purchaseOrderResultSchema,
  purchaseOrderUpsertSchema,
  receiptSchema,
  shipmentResultSchema,
  shipmentSchema,
  skuCatalogResultSchema,
  skuCatalogSchema,
  stockLevelsSchema,
  stockResultSchema,
} from "../ingest/schemas";
import { notificationSettingsPatchSchema, notificationSettingsSchema } from "../notifications/settings";

// The OpenAPI document of the ingest API, generated from the same zod schemas the handlers parse.

const schema = (s: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(s, { io, target: "draft-2020-12", unrepresentable: "any" });

const errorSchema = {
  type: "object",
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string" },
        message: { type: "string", description: "A sentence for people" },
        field: { type: "string", description: "The input at fault, e.g. lines[2].quantity" },
        fields: {
          type: "array",
          items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } },
        },
      },
    },
  },
};

const errors = {
  "401": { description: "Missing, unknown or revoked API key; nothing written" },
  "404": { description: "Not found for this merchant", content: { "application/json": { schema: errorSchema } } },
  "409": {
    description: "Conflicts with the current state (already shipped, received…); nothing written",
    content: { "application/json": { schema: errorSchema } },
  },
  "413": { description: "Body larger than 1 MB" },
  "422": {
    description: "Invalid input, naming the field; nothing written",
    content: { "application/json": { schema: errorSchema } },
  },
};

function post(
  summary: string,
  input: z.ZodType,
  output: z.ZodType,
  extra: { created?: boolean; params?: string[] } = {},
) {
  return {
    post: {
      summary,
      parameters: [
        ...(extra.params ?? []).map((name) => ({ name, in: "path", required: true, schema: { type: "string" } })),
        {
          name: "Idempotency-Key",
          in: "header",
          required: false,
          schema: { type: "string", maxLength: 255 },
          description: "A retry with the same key returns the first answer and changes nothing",
        },
      ],
      requestBody: { required: true, content: { "application/json": { schema: schema(input, "input") } } },
      responses: {
        "200": { description: "Done", content: { "application/json": { schema: schema(output, "output") } } },
        ...(extra.created
          ? { "201": { description: "Created", content: { "application/json": { schema: schema(output, "output") } } } }
          : {}),
        ...errors,
      },
    },
  };
}

type Parameter = { name: string; in: "path" | "query"; description: string; required?: boolean };

function get(summary: string, output: z.ZodType, parameters: Parameter[] = []) {
  return {
    get: {
      summary,
      parameters: parameters.map((p) => ({
        name: p.name,
        in: p.in,
        required: p.in === "path" || !!p.required,
        description: p.description,
        schema: p.name === "limit" ? { type: "integer", minimum: 1, maximum: 500 } : { type: "string" },
      })),
      responses: {
        "200": { description: "Found", content: { "application/json": { schema: schema(output, "output") } } },
        ...errors,
      },
    },
  };
}

const page: Parameter[] = [
  { name: "after", in: "query", description: "The `next` cursor of the previous page; omitted: from the start" },
  { name: "limit", in: "query", description: "Items per page, 1 to 500 (default 100)" },
];

/** Each catalogue event as a webhook we send (OpenAPI 3.1 `webhooks`), with an example body. */
function webhooks() {
  return Object.fromEntries(
    publicEventTypes.map((type) => [
      type,
      {
        post: {
          operationId: `webhook_${type.replace(/[^a-z]/g, "_")}`,
          summary: eventDataSchemas[type].description ?? type,
          description:
            "Signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature headers). Answer 2xx within 15 s; anything else is retried; 410 disables the endpoint.",
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: schema(envelopeSchema(type), "output"),
                example: {
                  id: "evt_3f9a0c2b7d4e4c1a9b8e6f5d4c3b2a10",
                  type,
                  timestamp: "2026-12-14T09:30:00.000Z",
                  data: eventExamples[type],
                },
              },
            },
          },
          responses: { "200": { description: "Received; any 2xx will do" } },
        },
      },
    ]),
  );
}

export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Backorder portal ingest API",
      version: "1",
      description:
        "Orders, stock, purchase orders and shipments from the merchant's systems. Every change is one transaction with its ETA recompute and audit log.",
    },
    servers: [{ url: `${serverUrl}/api/v1` }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "npm run apikey:create -- --merchant <slug>" },
      },
    },
    paths: {
      "/orders": post("Create or update an order", orderUpsertSchema, orderResultSchema, { created: true }),
      "/order-batches": post(
        "Create or update up to 100 orders in one transaction, all or none",
        orderBatchSchema,
        orderBatchResultSchema,
      ),
      "/orders/{number}": {
        get: {
          summary: "An order with its lines, windows and queue positions",
          parameters: [
            {
              name: "number",
              in: "path",
              required: true,
              schema: { type: "string" },
              description: "With or without the leading #",
            },
          ],
          responses: {
            "200": {
              description: "The order",
              content: { "application/json": { schema: schema(orderViewSchema, "output") } },
            },
            ...errors,
          },
        },
      },
      "/orders/{number}/cancel": post("Cancel open units of an order", orderCancelSchema, cancelResultSchema, {
        params: ["number"],
      }),
      "/skus": post(
        "Create or update SKUs (names, prices, pictures, backorder policy), all or none; stock is set by /stock",
        skuCatalogSchema,
        skuCatalogResultSchema,
      ),
      "/stock": post("Set stock on hand", stockLevelsSchema, stockResultSchema),
      "/purchase-orders": {
        ...post("Create or update a purchase order", purchaseOrderUpsertSchema, purchaseOrderResultSchema, {
          created: true,
        }),
        ...get("The shop's purchase orders, oldest placed first", purchaseOrderListSchema, [
          ...page,
          {
            name: "status",
            in: "query",
            description: "Only POs in this status: open, partially_received, received, cancelled",
          },
        ]),
      },
      "/purchase-orders/{reference}/expected-date": post(
        "Change a purchase order's expected date",
        purchaseOrderDateSchema,
        purchaseOrderResultSchema,
        { params: ["reference"] },
      ),
      "/purchase-orders/{reference}/cancel": post(
        "Cancel a purchase order",
        z.object({}).strict(),
        purchaseOrderResultSchema,
        { params: ["reference"] },
      ),
      "/purchase-orders/{reference}/receipts": post("Record received units", receiptSchema, purchaseOrderResultSchema, {
        params: ["reference"],
      }),
      "/shipments": post("Record a shipment with tracking", shipmentSchema, shipmentResultSchema, { created: true }),
      "/purchase-orders/{reference}": get(
        "A purchase order with its lines, what was received and every date it has had",
        purchaseOrderViewSchema,
        [{ name: "reference", in: "path", description: "Your PO number" }],
      ),
      "/shipments/{externalId}": {
        ...get("A shipment by your id, with tracking, lines and delivery", shipmentViewSchema, [
          { name: "externalId", in: "path", description: "The externalId sent to POST /shipments" },
        ]),
      },
      "/shipments/{externalId}/delivery": post(
        "The carrier delivered the parcel (publishes shipment.delivered once; a repeat changes nothing)",
        deliverySchema,
        deliveryResultSchema,
        { params: ["externalId"] },
      ),
      "/settings/notifications": {
        ...get(
          "The shop's notification settings: gathering window, ETA thresholds, emails on, sender name, reply-to",
          notificationSettingsSchema,
        ),
        patch: {
          ...post(
            "Change some notification settings (audited; applies from the next gathering). Returns them all",
            notificationSettingsPatchSchema,
            notificationSettingsSchema,
          ).post,
        },
      },
      "/events": get(
        "The shop's events, oldest first, for polling and replay: the same events as the webhooks, with the same ids",
        eventFeedSchema,
        [
          ...page,
          {
            name: "types",
            in: "query",
            description: `Comma-separated event types to list (default: all): ${publicEventTypes.join(", ")}`,
          },
        ],
      ),
    },
    webhooks: webhooks(),
  };
}
