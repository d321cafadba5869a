import type { IsoDate } from "../../dates";
import { Item, ItemDetail, OrderEmail, Paragraph, money, sampleBase, shipsText, type OrderEmailBase } from "./parts";

export type SwappedEmailProps = OrderEmailBase & {
  fromTitle: string;
  toTitle: string;
  units: number;
  refundMinor: number;
  currency: string;
  by: "shopper" | "agent" | "shop";
  /** The shopper chose to ship everything together: the window of the parcel this item joins. */
  shipsWith?: { shipStart: IsoDate | null; shipEnd: IsoDate | null } | null;
};

export function swappedSubject(props: Pick<SwappedEmailProps, "orderNumber" | "toTitle">): string {
  return `Order ${props.orderNumber}: swapped to ${props.toTitle}`;
}

/** Confirms a swap to an in-stock alternative. */
export function SwappedEmail(props: SwappedEmailProps) {
  return (
    <OrderEmail
      {...props}
      preview={`${props.fromTitle} swapped for ${props.toTitle}, which is in stock.`}
      heading="Swap confirmed"
      actions={[{ label: "Order status", href: props.links.view }]}
    >
      <Paragraph>
        {props.by === "shopper"
          ? "As you asked, we swapped"
          : props.by === "agent"
            ? "Our support team swapped, as agreed with you,"
            : "The shop swapped"}{" "}
        an item on order {props.orderNumber}:
      </Paragraph>
      <Item title={props.toTitle} quantity={props.units}>
        <ItemDetail strong>
          {props.shipsWith
            ? `In stock, and held to ship with the rest of your order, as you chose. ${shipsText(props.shipsWith.shipStart, props.shipsWith.shipEnd)}`
            : "In stock: it ships with the next parcel"}
        </ItemDetail>
        <ItemDetail>Instead of {props.fromTitle}, which was waiting for stock.</ItemDetail>
      </Item>
      <Paragraph>
        {props.refundMinor > 0
          ? `It costs less, so the shop refunds the difference, ${money(props.refundMinor, props.currency)}, to the way you paid.`
          : "The price is the same, so there is nothing to pay or refund."}
      </Paragraph>
    </OrderEmail>
  );
}

/** The swap the previews show (this one and the console's): a smaller headlamp, the difference refunded. */
export const sampleSwap = {
  fromTitle: "Headlamp 400",
  toTitle: "Headlamp 250",
  units: 1,
  refundMinor: 1500,
  currency: "USD",
  by: "shopper",
} satisfies Omit<SwappedEmailProps, keyof OrderEmailBase>;

SwappedEmail.PreviewProps = { ...sampleBase, ...sampleSwap } satisfies SwappedEmailProps;
