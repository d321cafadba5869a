import { daysBetween, type IsoDate } from "../../dates";
import {
  Item,
  ItemDetail,
  OrderEmail,
  Paragraph,
  itemsLabel,
  plural,
  sampleBase,
  windowText,
  type OrderEmailBase,
} from "./parts";

export type EtaUpdateLine = {
  title: string;
  change: "confirmed" | "later" | "earlier" | "no_date";
  fromStart: IsoDate | null;
  fromEnd: IsoDate | null;
  toStart: IsoDate | null;
  toEnd: IsoDate | null;
  /** Why it moved, in the shopper's words ("The stock arrived and was set aside for you."); null when not known. */
  why?: string | null;
};

export type EtaUpdateEmailProps = OrderEmailBase & { lines: EtaUpdateLine[] };

function sentence(line: EtaUpdateLine): { headline: string; detail: string | null } {
  switch (line.change) {
    case "confirmed":
      return {
        headline: `Now ships ${windowText(line.toStart, line.toEnd)}`,
        detail: "The supplier confirmed a delivery for it.",
      };
    case "no_date":
      return {
        headline: "No date for now",
        detail: `We expected it ${windowText(line.fromStart, line.fromEnd)}, but the supplier no longer has a date. We will email you when they do.`,
      };
    case "later":
    case "earlier": {
      const days = Math.abs(daysBetween(line.fromEnd!, line.toEnd!));
      return {
        headline: `Now ships ${windowText(line.toStart, line.toEnd)}`,
        detail: `${line.change === "later" ? "Later" : "Earlier"} by ${plural(days, "day")}; we said ${windowText(line.fromStart, line.fromEnd)} before.`,
      };
    }
  }
}

export function etaUpdateSubject(props: Pick<EtaUpdateEmailProps, "orderNumber" | "lines">): string {
  const titles = props.lines.map((l) => l.title);
  if (props.lines.every((l) => l.change === "confirmed"))
    return `Order ${props.orderNumber}: ${itemsLabel(titles)} now ${titles.length === 1 ? "has a ship date" : "have ship dates"}`;
  if (props.lines.every((l) => l.change === "earlier"))
    return `Order ${props.orderNumber}: ${itemsLabel(titles)} will ship sooner`;
  return `Order ${props.orderNumber}: new ship ${titles.length === 1 ? "date" : "dates"} for ${itemsLabel(titles)}`;
}

function Body(props: EtaUpdateEmailProps & { title: string; intro: string }) {
  return (
    <OrderEmail
      {...props}
      preview={props.intro}
      heading={props.title}
      actions={[
        { label: "See the dates and why", href: props.links.view },
        { label: "Swap or cancel", href: props.links.manage },
      ]}
    >
      <Paragraph>{props.intro}</Paragraph>
      {props.lines.map((line, i) => {
        const { headline, detail } = sentence(line);
        // A first date's own sentence already says the supplier confirmed it; the reason says it better.
        const said = line.why && line.change === "confirmed" ? null : detail;
        return (
          <Item key={i} title={line.title}>
            <ItemDetail strong>{headline}</ItemDetail>
            {said ? <ItemDetail>{said}</ItemDetail> : null}
            {line.why ? <ItemDetail>Why: {line.why}</ItemDetail> : null}
          </Item>
        );
      })}
      <Paragraph small>
        {props.lines.every((l) => l.why)
          ? "Nothing else about your order has changed."
          : "Nothing else about your order has changed. The order page shows why each date moved."}
      </Paragraph>
    </OrderEmail>
  );
}

/** A ship window moved (later by the merchant's threshold or more, earlier by two days or more). */
export function EtaMovedEmail(props: EtaUpdateEmailProps) {
  const later = props.lines.some((l) => l.change === "later" || l.change === "no_date");
  return (
    <Body
      {...props}
      title={later ? "A new ship date for your order" : "Good news: your order ships sooner"}
      intro={`Order ${props.orderNumber} has ${props.lines.length === 1 ? "a new date" : "new dates"}, so you hear it from us first:`}
    />
  );
}

EtaMovedEmail.PreviewProps = {
  ...sampleBase,
  lines: [
    {
      title: "Trail Jacket — Green / M",
      change: "later",
      fromStart: "2026-12-11",
      fromEnd: "2026-12-15",
      toStart: "2026-12-18",
      toEnd: "2026-12-22",
      why: "The supplier's delivery moved later: “Container held at the port”",
    },
  ],
} satisfies EtaUpdateEmailProps;

/** The supplier gave a date for an item that had none. */
export function EtaConfirmedEmail(props: EtaUpdateEmailProps) {
  return (
    <Body
      {...props}
      title="Your item has a ship date"
      intro={`We promised to tell you when the supplier confirmed a date for order ${props.orderNumber}. Here it is:`}
    />
  );
}

EtaConfirmedEmail.PreviewProps = {
  ...sampleBase,
  lines: [
    {
      title: "Camp Stove",
      change: "confirmed",
      fromStart: null,
      fromEnd: null,
      toStart: "2026-12-20",
      toEnd: "2026-12-24",
    },
  ],
} satisfies EtaUpdateEmailProps;
