import type { IsoDate } from "../../dates";
import {
  Item,
  ItemDetail,
  OrderEmail,
  Paragraph,
  itemsLabel,
  plural,
  sampleBase,
  shipsText,
  windowText,
  type OrderEmailBase,
} from "./parts";

export type BackorderedLine = {
  title: string;
  quantity: number;
  preorder: boolean;
  shipStart: IsoDate | null;
  shipEnd: IsoDate | null;
  deliveryStart: IsoDate | null;
  deliveryEnd: IsoDate | null;
  /** Orders ahead of this one in the item's queue. */
  linesAhead: number;
};

export type BackorderedEmailProps = OrderEmailBase & { lines: BackorderedLine[]; inStock: string[] };

export function backorderedSubject(props: Pick<BackorderedEmailProps, "orderNumber" | "lines">): string {
  const preorder = props.lines.every((l) => l.preorder);
  return `Order ${props.orderNumber}: ${itemsLabel(props.lines.map((l) => l.title))} ${preorder ? "on pre-order" : "waiting for stock"}, and when it ships`;
}

/** On intake: what is waiting, its honest ship window, and what the shopper can do. */
export function BackorderedEmail(props: BackorderedEmailProps) {
  const { lines } = props;
  const preorder = lines.every((l) => l.preorder);
  return (
    <OrderEmail
      {...props}
      preview={`${itemsLabel(lines.map((l) => l.title))}: ${shipsText(lines[0]!.shipStart, lines[0]!.shipEnd)}`}
      heading={
        preorder
          ? "Your pre-order is in"
          : lines.length === 1
            ? "One item is waiting for stock"
            : `${plural(lines.length, "item")} are waiting for stock`
      }
      actions={[
        { label: "See your options", href: props.links.manage },
        { label: "Check the status", href: props.links.view },
      ]}
    >
      <Paragraph>
        Thank you for order {props.orderNumber}.{" "}
        {preorder
          ? "These items are not released yet; they ship when they are:"
          : "These items were not in stock when you ordered, so they ship when new stock arrives. Here is when we honestly expect that:"}
      </Paragraph>
      {lines.map((line, i) => (
        <Item key={i} title={line.title} quantity={line.quantity}>
          <ItemDetail strong>{shipsText(line.shipStart, line.shipEnd)}</ItemDetail>
          {line.deliveryStart && line.deliveryEnd && line.shipStart ? (
            <ItemDetail>Arrives {windowText(line.deliveryStart, line.deliveryEnd)}</ItemDetail>
          ) : null}
          {line.linesAhead > 0 ? (
            <ItemDetail>
              {line.linesAhead === 1 ? "1 order is" : `${line.linesAhead} orders are`} ahead of yours for this item.
            </ItemDetail>
          ) : null}
        </Item>
      ))}
      {props.inStock.length > 0 ? (
        <Paragraph>The rest of your order ({itemsLabel(props.inStock)}) is in stock.</Paragraph>
      ) : null}
      <Paragraph>
        You can wait (we will email you if a date moves), swap to an in-stock alternative where there is one, or cancel
        for a refund.
      </Paragraph>
    </OrderEmail>
  );
}

BackorderedEmail.PreviewProps = {
  ...sampleBase,
  lines: [
    {
      title: "Trail Jacket — Green / M",
      quantity: 1,
      preorder: false,
      shipStart: "2026-12-11",
      shipEnd: "2026-12-15",
      deliveryStart: "2026-12-13",
      deliveryEnd: "2026-12-20",
      linesAhead: 3,
    },
    {
      title: "Camp Stove",
      quantity: 1,
      preorder: false,
      shipStart: null,
      shipEnd: null,
      deliveryStart: null,
      deliveryEnd: null,
      linesAhead: 0,
    },
  ],
  inStock: ["Wool Socks"],
} satisfies BackorderedEmailProps;
