import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { envelopeSchema, eventExamples, publicEventTypes } from "../events/catalogue";
import { openApiDocument } from "./openapi";

// The OpenAPI document as a merchant's tooling reads it: valid OpenAPI 3.1 (checked by a validator
// built on the specification's own JSON Schema, not by us), with every catalogue event under
// `webhooks` and an example that its own schema accepts.

describe("the OpenAPI document", () => {
  const document = openApiDocument("https://portal.example");

  it("validates as OpenAPI 3.1", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    // The check is not vacuous: the same validator refuses a webhook without its request's shape.
    const broken = structuredClone(document) as unknown as { webhooks: Record<string, { post: unknown }> };
    broken.webhooks["line.ready"]!.post = { responses: "none" };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it("lists every event of the catalogue under webhooks, each with an example its schema accepts", () => {
    expect(Object.keys(document.webhooks).sort()).toEqual([...publicEventTypes].sort());
    for (const type of publicEventTypes) {
      const example = document.webhooks[type]!.post.requestBody.content["application/json"].example;
      expect(envelopeSchema(type).safeParse(example).success, type).toBe(true);
      expect(example.data).toEqual(eventExamples[type]);
    }
    expect(publicEventTypes).toEqual(
      expect.arrayContaining([
        "order.backordered",
        "line.eta_changed",
        "delay_notice.sent",
        "delay_notice.answered",
        "line.ready",
        "shipment.created",
        "shipment.delivered",
        "order.shipping_preference_changed",
        "order_line.cancelled",
        "order_line.swapped",
        "order_line.delay_consent_expired",
      ]),
    );
  });
});
