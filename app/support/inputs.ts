import { z } from "zod";
import { isStorableText } from "@/lib/security/text";

// The support console's order actions, parsed from the form outside the "use server" module so
// they can be tested (and fuzzed) without a request. A refusal is zod's first message.

export type Parsed<T> = { ok: true; data: T } | { ok: false; error: string };

const ids = { orderId: z.uuid(), lineId: z.coerce.number().int().positive() };
// PostgreSQL cannot store a NUL or an unpaired surrogate: refused here, not as a failed query.
const storable = "That text has characters we cannot store; please type it again.";
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Give both dates of the window.");

const schemas = {
  cancel: z.object({ ...ids, reason: z.string().trim().max(500).refine(isStorableText, storable).optional() }),
  swap: z.object({ ...ids, toSkuId: z.uuid("Choose the alternative to swap to.") }),
  overrideEta: z.object({
    ...ids,
    shipStart: day,
    shipEnd: day,
    note: z
      .string()
      .trim()
      .min(3, "A note for the shopper is required: say why the date changed.")
      .max(500)
      .refine(isStorableText, storable),
  }),
  note: z.object({
    orderId: z.uuid(),
    body: z.string().trim().min(1, "Write the note first.").max(5000).refine(isStorableText, storable),
  }),
  resend: z.object({ orderId: z.uuid(), notificationId: z.uuid() }),
};

function parse<S extends z.ZodType>(schema: S, form: FormData): Parsed<z.output<S>> {
  const parsed = schema.safeParse(Object.fromEntries(form));
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, error: parsed.error.issues[0]!.message };
}

export const parseAgentCancel = (form: FormData) => parse(schemas.cancel, form);
export const parseAgentSwap = (form: FormData) => parse(schemas.swap, form);
export const parseOverrideEta = (form: FormData) => parse(schemas.overrideEta, form);
export const parseNote = (form: FormData) => parse(schemas.note, form);
export const parseResend = (form: FormData) => parse(schemas.resend, form);
