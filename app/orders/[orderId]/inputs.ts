import { z } from "zod";

// The order page's action inputs (its forms post to cancel/, swap/ and shipping/), parsed apart
// from the routes so they can be tested (and fuzzed) without a request. A refusal is a sentence for the shopper.

export type Parsed<T> = { ok: true; data: T } | { ok: false; error: string };

const incomplete = "That request was not complete; please reload the page and try again.";

const cancelInput = z.object({
  orderId: z.uuid(),
  lineId: z.coerce.number().int().positive().optional(),
});

/** Cancel one waiting item (lineId), or everything on the order still waiting. */
export function parseCancel(form: FormData): Parsed<z.output<typeof cancelInput>> {
  const parsed = cancelInput.safeParse({ orderId: form.get("orderId"), lineId: form.get("lineId") || undefined });
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, error: incomplete };
}

const swapInput = z.object({
  orderId: z.uuid(),
  lineId: z.coerce.number().int().positive(),
  toSkuId: z.uuid("Choose an alternative first."),
});

export function parseSwap(form: FormData): Parsed<z.output<typeof swapInput>> {
  const parsed = swapInput.safeParse({
    orderId: form.get("orderId"),
    lineId: form.get("lineId"),
    toSkuId: form.get("toSkuId"),
  });
  if (parsed.success) return { ok: true, data: parsed.data };
  return {
    ok: false,
    error: parsed.error.issues.find((i) => i.path[0] === "toSkuId") ? "Choose an alternative first." : incomplete,
  };
}

const preferenceInput = z.object({
  orderId: z.uuid(),
  preference: z.enum(["ship_available", "ship_together"], "Choose how the order should ship."),
});

export function parsePreference(form: FormData): Parsed<z.output<typeof preferenceInput>> {
  const parsed = preferenceInput.safeParse({ orderId: form.get("orderId"), preference: form.get("preference") });
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, error: "Choose how the order should ship." };
}
