import { z } from "zod";
import { isIsoDate } from "../dates";
import { etaReasons, lineStatuses } from "../db/schema/orders";

// What each kind of notification keeps in its `payload`: everything its email says, written when
// the notification is (or, for ETA changes, when its gathering window closes). Sending renders
// from this alone plus the merchant's branding, so a batch sent again after a crash is the same
// batch, byte for byte, under the same idempotency key. Each kind's zod schema is the shape; what
// is read back from the table is parsed with it, never cast.

const day = z.string().refine(isIsoDate, "must be a YYYY-MM-DD date");
const optionalDay = day.nullable();
/** An instant as stored (ISO from JavaScript, or PostgreSQL's text form); emails read it with `new Date()`. */
const instant = z.string().refine((s) => !Number.isNaN(new Date(s).getTime()), "must be an instant");

export const shipWindowSchema = z.object({ start: optionalDay, end: optionalDay });

export const lineSnapshotSchema = z.object({
  lineId: z.number().int(),
  title: z.string(),
  quantity: z.number().int(),
  status: z.enum(lineStatuses),
  shipStart: optionalDay,
  shipEnd: optionalDay,
  deliveryStart: optionalDay,
  deliveryEnd: optionalDay,
  linesAhead: z.number().int(),
});
export type LineSnapshot = z.infer<typeof lineSnapshotSchema>;

export const backorderedPayloadSchema = z.object({ lines: z.array(lineSnapshotSchema), inStock: z.array(z.string()) });
export type BackorderedPayload = z.infer<typeof backorderedPayloadSchema>;

export const shippedPayloadSchema = z.object({
  shipmentId: z.string().nullable(),
  carrier: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  trackingUrl: z.string().nullable(),
  shippedAt: instant,
  lines: z.array(z.object({ lineId: z.number().int(), title: z.string(), units: z.number().int() })),
  stillWaiting: z.array(z.object({ title: z.string(), shipStart: optionalDay, shipEnd: optionalDay })),
});
export type ShippedPayload = z.infer<typeof shippedPayloadSchema>;

export const cancelledBy = ["shopper", "agent", "shop", "no_consent"] as const;
export type CancelledBy = (typeof cancelledBy)[number];

export const cancelledPayloadSchema = z.object({
  lines: z.array(
    z.object({ lineId: z.number().int(), title: z.string(), units: z.number().int(), refundMinor: z.number().int() }),
  ),
  currency: z.string(),
  by: z.enum(cancelledBy),
  /** ISO instant of the consent deadline that passed (`no_consent` only). */
  deadline: instant.nullable(),
});
export type CancelledPayload = z.infer<typeof cancelledPayloadSchema>;

export const swappedPayloadSchema = z.object({
  lineId: z.number().int(),
  newLineId: z.number().int().nullable(),
  fromTitle: z.string(),
  toTitle: z.string(),
  units: z.number().int(),
  refundMinor: z.number().int(),
  currency: z.string(),
  by: z.enum(["shopper", "agent", "shop"]),
  /** Everything ships together: the window of the parcel it joins (absent in payloads stored before). */
  shipsWith: z.object({ shipStart: z.string().nullable(), shipEnd: z.string().nullable() }).nullable().optional(),
});
export type SwappedPayload = z.infer<typeof swappedPayloadSchema>;

export const etaChangeKinds = ["confirmed", "later", "earlier", "no_date"] as const;

/**
 * Why a line's date moved, as its email tells it: the reason of the change that put it where it is,
 * support's note (manual), and the supplier's note on the PO date change when the shop shows those.
 * Optional in stored payloads: emails written before reasons were kept have none.
 */
export const etaWhySchema = z.object({
  reason: z.enum(etaReasons),
  note: z.string().nullable(),
  poNote: z.string().nullable(),
});
export type EtaWhy = z.infer<typeof etaWhySchema>;

/**
 * An ETA email while it gathers: for each line, its window before the first change in the window.
 * When the window closes the worker adds `final` and the `changes` worth telling.
 */
export const etaPayloadSchema = z.object({
  lines: z.record(z.string(), shipWindowSchema),
  final: z.literal(true).optional(),
  changes: z
    .array(
      z.object({
        lineId: z.number().int(),
        title: z.string(),
        change: z.enum(etaChangeKinds),
        from: shipWindowSchema,
        to: shipWindowSchema,
        why: etaWhySchema.nullable().optional(),
      }),
    )
    .optional(),
});
export type EtaPayload = z.infer<typeof etaPayloadSchema>;

export const delayPayloadSchema = z.object({
  renewed: z.boolean(),
  notices: z.array(
    z.object({
      noticeId: z.number().int(),
      lineId: z.number().int(),
      title: z.string(),
      promisedShipEnd: day,
      newShipStart: optionalDay,
      newShipEnd: optionalDay,
      consentNeeded: z.boolean(),
      /** ISO instant, or null when silence keeps the order. */
      deadline: instant.nullable(),
      why: etaWhySchema.nullable().optional(),
    }),
  ),
});
export type DelayPayload = z.infer<typeof delayPayloadSchema>;

/** Each kind's payload schema. */
export const notificationPayloadSchemas = {
  backordered: backorderedPayloadSchema,
  eta_moved: etaPayloadSchema,
  eta_confirmed: etaPayloadSchema,
  shipped: shippedPayloadSchema,
  cancelled: cancelledPayloadSchema,
  swapped: swappedPayloadSchema,
  delay_first: delayPayloadSchema,
  delay_renewed: delayPayloadSchema,
} as const;

type PayloadKind = keyof typeof notificationPayloadSchemas;
export type NotificationPayload = z.infer<(typeof notificationPayloadSchemas)[PayloadKind]>;

/** A stored payload, parsed for its kind; throws when it is not that kind's shape. */
export function parsePayload<K extends PayloadKind>(
  kind: K,
  payload: unknown,
): z.infer<(typeof notificationPayloadSchemas)[K]> {
  return notificationPayloadSchemas[kind].parse(typeof payload === "string" ? JSON.parse(payload) : payload) as z.infer<
    (typeof notificationPayloadSchemas)[K]
  >;
}
