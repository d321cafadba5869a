import type { IsoDate } from "../dates";
import type { LineStatus } from "../db/schema/orders";
import type { EtaLineChange, ShipWindow } from "./policy";

// What each kind of notification keeps in its `payload`: everything its email says, written when
// the notification is (or, for ETA changes, when its gathering window closes). Sending renders
// from this alone plus the merchant's branding, so a batch sent again after a crash is the same
// batch, byte for byte, under the same idempotency key.

export type LineSnapshot = {
  lineId: number;
  title: string;
  quantity: number;
  status: LineStatus;
  shipStart: IsoDate | null;
  shipEnd: IsoDate | null;
  deliveryStart: IsoDate | null;
  deliveryEnd: IsoDate | null;
  linesAhead: number;
};

export type BackorderedPayload = { lines: LineSnapshot[]; inStock: string[] };

export type ShippedPayload = {
  shipmentId: string | null;
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  /** ISO instant. */
  shippedAt: string;
  lines: { lineId: number; title: string; units: number }[];
  stillWaiting: { title: string; shipStart: IsoDate | null; shipEnd: IsoDate | null }[];
};

export type CancelledBy = "shopper" | "agent" | "shop" | "no_consent";

export type CancelledPayload = {
  lines: { lineId: number; title: string; units: number; refundMinor: number }[];
  currency: string;
  by: CancelledBy;
  /** ISO instant of the consent deadline that passed (`no_consent` only). */
  deadline: string | null;
};

export type SwappedPayload = {
  lineId: number;
  newLineId: number | null;
  fromTitle: string;
  toTitle: string;
  units: number;
  refundMinor: number;
  currency: string;
  by: "shopper" | "agent" | "shop";
};

/**
 * An ETA email while it gathers: for each line, its window before the first change in the window.
 * When the window closes the worker adds `final` and the `changes` worth telling.
 */
export type EtaPayload = { lines: Record<string, ShipWindow>; final?: true; changes?: EtaLineChange[] };

export type DelayPayload = {
  renewed: boolean;
  notices: {
    noticeId: number;
    lineId: number;
    title: string;
    promisedShipEnd: IsoDate;
    newShipStart: IsoDate | null;
    newShipEnd: IsoDate | null;
    consentNeeded: boolean;
    /** ISO instant, or null when silence keeps the order. */
    deadline: string | null;
  }[];
};
