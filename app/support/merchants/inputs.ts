import { z } from "zod";
import { isStorableText } from "@/lib/security/text";
import { optionalEmails } from "@/lib/notifications/settings";
import { csvMaxBytes } from "@/lib/supply/csv";
import type { Parsed } from "../inputs";

// The integration actions' inputs, parsed from the form outside the "use server" module so they
// can be tested (and fuzzed) without a request. A refusal is zod's first message.

// PostgreSQL cannot store a NUL or an unpaired surrogate: refused here, not as a failed query.
const storable = "That text has characters we cannot store; please type it again.";
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "That shop was not found among the shops you serve.");

const endpointId = z.string().max(64, "That webhook endpoint is not this shop's.").optional();

const schemas = {
  resendWebhook: z.object({
    slug,
    deliveryId: z.string().regex(/^msg_[A-Za-z0-9]{1,64}$/, "That delivery was not found."),
  }),
  retryShopifyWebhook: z.object({
    slug,
    webhookId: z.string().min(1).max(200).refine(isStorableText, "That webhook was not found."),
  }),
  saveEndpoint: z.object({
    slug,
    endpointId,
    add: z.enum(["true"]).optional(),
    url: z.string().trim().min(1, "Give the address to send events to.").max(2000).refine(isStorableText, storable),
  }),
  shop: z.object({ slug }),
  endpoint: z.object({ slug, endpointId }),
  setEndpointEnabled: z.object({ slug, endpointId, enabled: z.enum(["true", "false"]) }),
  subscriptions: z.object({
    slug,
    endpointId: z.string().min(1).max(64),
    scope: z.enum(["all", "some"], "Choose all events or some."),
    eventTypes: z.array(z.string().max(100)).max(50),
  }),
  connectShopify: z.object({
    slug,
    shopDomain: z
      .string()
      .trim()
      .min(1, "Give the shop's myshopify.com domain.")
      .max(200)
      .refine(isStorableText, storable),
    secret: z
      .string()
      .min(1, "Paste the secret Shopify signs webhooks with.")
      .max(200)
      .refine(isStorableText, storable),
  }),
};

function parse<S extends z.ZodType>(schema: S, form: FormData): Parsed<z.output<S>> {
  const parsed = schema.safeParse(Object.fromEntries(form));
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, error: parsed.error.issues[0]!.message };
}

export const parseResendWebhook = (form: FormData) => parse(schemas.resendWebhook, form);
export const parseRetryShopifyWebhook = (form: FormData) => parse(schemas.retryShopifyWebhook, form);
export const parseSaveEndpoint = (form: FormData) => parse(schemas.saveEndpoint, form);
/** Rotate the endpoint secret, end the Shopify rotation, disconnect Shopify: the shop alone. */
export const parseShop = (form: FormData) => parse(schemas.shop, form);
export const parseEndpoint = (form: FormData) => parse(schemas.endpoint, form);
/** Checkboxes repeat their name, so the event types are read with getAll. */
export function parseSubscriptions(
  form: FormData,
): Parsed<{ slug: string; endpointId: string; eventTypes: string[] | null }> {
  const parsed = schemas.subscriptions.safeParse({
    ...Object.fromEntries(form),
    eventTypes: form.getAll("eventTypes").filter((v): v is string => typeof v === "string"),
  });
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]!.message };
  const { slug, endpointId, scope, eventTypes } = parsed.data;
  return { ok: true, data: { slug, endpointId, eventTypes: scope === "all" ? null : eventTypes } };
}
/**
 * The notification settings form: every setting at once. Numbers and addresses are checked by
 * updateNotificationSettings (the API's rules); here only the form's shape. Emails are ticked when
 * on, so the ones not ticked are off; empty sender name and reply-to mean the defaults.
 */
export function parseNotificationSettings(form: FormData): Parsed<{ slug: string; patch: Record<string, unknown> }> {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value.trim() : "";
  };
  const shop = slug.safeParse(text("slug"));
  if (!shop.success) return { ok: false, error: shop.error.issues[0]!.message };
  const number = (name: string) => (text(name) === "" ? Number.NaN : Number(text(name)));
  const on = new Set(form.getAll("emailsOn"));
  const fields = [text("senderName"), text("replyTo")];
  if (!fields.every(isStorableText)) return { ok: false, error: storable };
  return {
    ok: true,
    data: {
      slug: shop.data,
      patch: {
        gatherMinutes: number("gatherMinutes"),
        etaLaterThresholdDays: number("etaLaterThresholdDays"),
        etaEarlierThresholdDays: number("etaEarlierThresholdDays"),
        emailsOff: optionalEmails.filter((kind) => !on.has(kind)),
        showPoNotes: form.get("showPoNotes") === "true",
        senderName: fields[0] || null,
        replyTo: fields[1] || null,
      },
    },
  };
}
/** The CSV upload: the shop, the file (read by the action) and whether to apply or only preview. */
export function parseCsvUpload(form: FormData): Parsed<{ slug: string; file: Blob; apply: boolean }> {
  const shop = slug.safeParse(form.get("slug"));
  if (!shop.success) return { ok: false, error: shop.error.issues[0]!.message };
  const file = form.get("file");
  if (!(file instanceof Blob) || file.size === 0) return { ok: false, error: "Choose a CSV file to upload." };
  if (file.size > csvMaxBytes) return { ok: false, error: "The file is larger than 1 MB; use the API." };
  return { ok: true, data: { slug: shop.data, file, apply: form.get("apply") === "true" } };
}
export const parseSetEndpointEnabled = (form: FormData) => parse(schemas.setEndpointEnabled, form);
export const parseConnectShopify = (form: FormData) => parse(schemas.connectShopify, form);
