import type { IsoDate } from "../../dates";
import { webLink } from "../../security/links";
import { Item, ItemDetail, OrderEmail, Paragraph, sampleBase, shipsText, type OrderEmailBase } from "./parts";

export type ShippedEmailProps = OrderEmailBase & {
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  /** When it left, already in the merchant's zone ("Nov 26, 9:41 PM GMT"). */
  shippedAt: string;
  lines: { title: string; units: number }[];
  stillWaiting: { title: string; shipStart: IsoDate | null; shipEnd: IsoDate | null }[];
};

export function shippedSubject(props: Pick<ShippedEmailProps, "orderNumber" | "stillWaiting">): string {
  return props.stillWaiting.length > 0
    ? `Part of order ${props.orderNumber} has shipped`
    : `Order ${props.orderNumber} has shipped`;
}

/** A parcel left, with its tracking. */
export function ShippedEmail(props: ShippedEmailProps) {
  const trackingLink = webLink(props.trackingUrl);
  const tracking = props.trackingNumber ? `${props.carrier ? `${props.carrier} ` : ""}tracking number` : null;
  const status = { label: "Order status", href: props.links.view };
  return (
    <OrderEmail
      {...props}
      preview={
        tracking
          ? `Order ${props.orderNumber} is on its way. Your ${tracking} is ${props.trackingNumber}.`
          : `Order ${props.orderNumber} is on its way.`
      }
      heading={props.stillWaiting.length > 0 ? "Part of your order is on its way" : "Your order is on its way"}
      actions={trackingLink ? [{ label: "Track your parcel", href: trackingLink }, status] : [status]}
    >
      <Paragraph>
        It left our warehouse {props.shippedAt}
        {props.carrier ? ` with ${props.carrier}` : ""}.
        {props.trackingNumber ? ` The tracking number is ${props.trackingNumber}.` : ""}
      </Paragraph>
      {props.lines.map((line, i) => (
        <Item key={i} title={line.title} quantity={line.units}>
          <ItemDetail strong>Shipped</ItemDetail>
        </Item>
      ))}
      {props.stillWaiting.length > 0 ? (
        <>
          <Paragraph>Still waiting, and shipping separately:</Paragraph>
          {props.stillWaiting.map((line, i) => (
            <Item key={`w${i}`} title={line.title}>
              <ItemDetail>{shipsText(line.shipStart, line.shipEnd)}</ItemDetail>
            </Item>
          ))}
        </>
      ) : null}
    </OrderEmail>
  );
}

ShippedEmail.PreviewProps = {
  ...sampleBase,
  carrier: "UPS",
  trackingNumber: "1Z999AA10123456784",
  trackingUrl: "https://www.ups.com/track?tracknum=1Z999AA10123456784",
  shippedAt: "Nov 26, 9:41 PM PST",
  lines: [{ title: "Wool Socks", units: 2 }],
  stillWaiting: [{ title: "Trail Jacket — Green / M", shipStart: "2026-12-11", shipEnd: "2026-12-15" }],
} satisfies ShippedEmailProps;
