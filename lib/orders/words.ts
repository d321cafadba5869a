import type { EtaBasis, EtaReason, OrderLine } from "../db/schema/orders";
import type { ActorType } from "../db/schema/audit";
import { daysBetween, formatDay, formatShortDay, formatWindow, shipsPhrase } from "../dates";
import { isOpen, openUnits } from "./line-status";

// What the order page says, in the shopper's words. Honest wording beats soothing wording.

export type Tone = "good" | "waiting" | "unknown" | "neutral" | "preorder";

export function statusOf(
  line: Pick<
    OrderLine,
    "status" | "etaBasis" | "shippedQuantity" | "quantity" | "cancelledQuantity" | "allocatedQuantity"
  >,
): { label: string; tone: Tone } {
  switch (line.status) {
    case "shipped":
      return { label: line.cancelledQuantity > 0 ? "Shipped (part cancelled)" : "Shipped", tone: "good" };
    case "ready":
      return { label: "Ready to ship", tone: "good" };
    case "preorder":
      return { label: "Pre-order", tone: "preorder" };
    case "cancelled":
      return { label: "Cancelled", tone: "neutral" };
    case "swapped":
      return { label: "Swapped", tone: "neutral" };
    case "backordered":
      if (line.etaBasis === "unknown") return { label: "Waiting, no date yet", tone: "unknown" };
      return {
        label: line.shippedQuantity > 0 ? "Partly shipped, rest waiting" : "Waiting for stock",
        tone: "waiting",
      };
  }
}

export function reasonSentence(
  reason: EtaReason,
  options: { first: boolean; supplierNote?: string | null; overrideNote?: string | null },
): string {
  switch (reason) {
    case "initial":
      return "You ordered; this was our first estimate.";
    case "po_created":
      return options.first
        ? "You ordered; the supplier had a delivery planned."
        : "The supplier confirmed a delivery for your item.";
    case "po_delayed":
      return `The supplier's delivery moved later${options.supplierNote ? `: “${options.supplierNote}”` : "."}`;
    case "po_advanced":
      return `The supplier's delivery moved earlier${options.supplierNote ? `: “${options.supplierNote}”` : "."}`;
    case "po_received":
      return "The stock arrived and was set aside for you.";
    case "po_cancelled":
      return "The supplier cancelled the delivery your item was waiting for.";
    case "queue_moved":
      return "Someone ahead of you cancelled or changed their order, so your place moved.";
    case "manual":
      return `Our support team set the date${options.overrideNote ? `: “${options.overrideNote}”` : "."}`;
  }
}

/** What a line's window rests on, in an agent's words (the support console). */
export const basisWords: Record<EtaBasis, string> = {
  stock: "Stock in the warehouse",
  po: "A supplier's delivery (PO)",
  release: "The product's release date",
  unknown: "No dated delivery",
  override: "Set by support",
};

/** Why a window changed, in an agent's words (the support console's timeline). */
export const reasonWords: Record<EtaReason, string> = {
  initial: "First estimate",
  po_created: "Supplier's delivery planned",
  po_delayed: "Supplier's delivery moved later",
  po_advanced: "Supplier's delivery moved earlier",
  po_received: "Stock arrived",
  po_cancelled: "Supplier's delivery cancelled",
  queue_moved: "Queue moved",
  manual: "Set by support",
};

/** "3 orders are ahead of yours; the next delivery of 40 is due Fri, Dec 12." */
export function queueSentence(
  line: Pick<OrderLine, "linesAhead" | "etaBasis">,
  delivery: {
    expectedDate: string;
    units: number;
    shipmentMode?: string | null;
    slip?: { allowanceDays: number; floorDays?: number } | null;
  } | null,
): string | null {
  const ahead =
    line.linesAhead === 0
      ? "Yours is next in line"
      : line.linesAhead === 1
        ? "1 order is ahead of yours"
        : `${line.linesAhead} orders are ahead of yours`;
  if (delivery) {
    const due = `${ahead}; your item is waiting for a delivery of ${delivery.units} due ${formatDay(delivery.expectedDate)}.`;
    // Why the window opens before or reaches past that date: the PO's slip window (lib/eta/slip.ts).
    const allow = delivery.slip?.allowanceDays ?? 0;
    const early = Math.max(0, -(delivery.slip?.floorDays ?? 0));
    if (allow <= 0 && early === 0) return due;
    const mode = delivery.shipmentMode?.trim().toLowerCase();
    const days = (n: number) => (n === 1 ? "1 day" : `${n} days`);
    const came = early > 0 && allow > 0 ? "early and late" : early > 0 ? "early" : "late";
    // The slip window is about the delivery (arriving early or late), not the day it ships.
    const window =
      early > 0 && allow > 0
        ? `allows for it arriving up to ${days(early)} before and ${days(allow)} past`
        : early > 0
          ? `allows for it arriving up to ${days(early)} before`
          : `allows ${days(allow)} past`;
    return `${due} This supplier's ${mode ? `${mode} shipments have` : "deliveries have"} arrived ${came} at times, so your window ${window} that date.`;
  }
  // Without a supplier's delivery to name (no date yet, or a date support set), the place still counts.
  if (line.etaBasis === "unknown" || line.etaBasis === "override") return `${ahead}.`;
  return null;
}

/** The sentence under the status: when, and how sure we are. */
export function whenSentence(
  line: Pick<OrderLine, "status" | "etaBasis" | "shipStart" | "shipEnd" | "deliveryStart" | "deliveryEnd">,
  options: { releaseDate?: string | null; typicalLeadDays?: number; today?: string } = {},
): string {
  if (!isOpen(line.status)) return "";
  if (line.etaBasis === "unknown" || !line.shipStart || !line.shipEnd) {
    const guess = options.typicalLeadDays
      ? ` Restocks from this supplier usually take about ${Math.round(options.typicalLeadDays / 7)} weeks; that is a guess, not a promise.`
      : "";
    return `The supplier has not confirmed a date yet; we will email you when they do.${guess}`;
  }
  // A window whose last day has passed is no promise: say it is late, and where it is held up.
  if (options.today && line.shipEnd < options.today)
    return line.status === "ready"
      ? `Late leaving our warehouse: it was due to ship by ${formatDay(line.shipEnd)}. We will email you when it ships.`
      : `Late: it was due to ship by ${formatDay(line.shipEnd)}, and the stock has not arrived yet. We will email you when it ships.`;
  const ships = shipsPhrase(line.shipStart, line.shipEnd);
  const arrives =
    line.deliveryStart && line.deliveryEnd ? `, arrives ${formatWindow(line.deliveryStart, line.deliveryEnd)}` : "";
  return `${ships}${arrives}.`;
}

/** How wide the window is, said plainly (a wide window is the supplier's track record, not a guess). */
export function certainty(line: Pick<OrderLine, "etaBasis" | "shipStart" | "shipEnd">): string | null {
  if (!line.shipStart || !line.shipEnd) return null;
  if (line.etaBasis === "stock") return "Your item is in our warehouse.";
  if (line.etaBasis === "override") return "Date set by our support team.";
  const spread = daysBetween(line.shipStart, line.shipEnd);
  if (line.etaBasis === "release") return "Dated from the product's release.";
  if (spread === 0) return "This supplier delivers on the day it promises.";
  return `The window allows for this supplier's usual delays (up to ${spread} ${spread === 1 ? "day" : "days"}).`;
}

export function unitsSummary(
  line: Pick<OrderLine, "quantity" | "shippedQuantity" | "cancelledQuantity" | "allocatedQuantity">,
): string | null {
  const open = openUnits(line);
  const parts: string[] = [];
  if (line.shippedQuantity > 0 && (open > 0 || line.cancelledQuantity > 0))
    parts.push(`${line.shippedQuantity} shipped`);
  if (open > 0 && line.shippedQuantity > 0) parts.push(`${open} waiting`);
  if (line.cancelledQuantity > 0 && line.shippedQuantity > 0) parts.push(`${line.cancelledQuantity} cancelled`);
  return parts.length ? `${parts.join(", ")} of ${line.quantity}` : null;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

export function formatMoney(minor: number, currency: string): string {
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { style: "currency", currency });
    moneyFormats.set(currency, format);
  }
  return format.format(minor / 100);
}

/** "m•••@example.com": enough to recognise, not enough to learn an address from a shared link. */
export function maskEmail(email: string): string {
  const [local = "", domain = ""] = email.split("@");
  return `${local.slice(0, 1)}${"•".repeat(Math.max(3, Math.min(local.length - 1, 6)))}@${domain}`;
}

export function shortDay(date: string) {
  return formatShortDay(date);
}

/**
 * What a swap choice is, in a few words beside its name: another size or colour of the same item
 * says so ("The same item in L, not M"), a different item says it is one.
 */
export function swapKind(option: {
  variantTitle: string | null;
  sameProduct: { orderedVariant: string | null } | null;
}) {
  if (!option.sameProduct) return "A different item the shop suggests instead";
  const ordered = option.sameProduct.orderedVariant;
  if (!option.variantTitle) return "The same item, another variant";
  return ordered
    ? `The same item in ${option.variantTitle}, not ${ordered}`
    : `The same item in ${option.variantTitle}`;
}

/** Who acted on a line, as the sentence's subject: "You", "Our support team", "The shop". */
export function actorSubject(actor: ActorType): string {
  switch (actor) {
    case "shopper":
      return "You";
    case "agent":
      return "Our support team";
    case "api":
    case "shopify":
      return "The shop";
    case "system":
      return "We";
  }
}
