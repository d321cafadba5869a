import { Item, ItemDetail, OrderEmail, Paragraph, itemsLabel, money, sampleBase, type OrderEmailBase } from "./parts";

export type CancelledEmailProps = OrderEmailBase & {
  lines: { title: string; units: number; refundMinor: number }[];
  currency: string;
  /** Who cancelled: the shopper, the shop's support team, the shop's systems, or no answer to a delay notice. */
  by: "shopper" | "agent" | "shop" | "no_consent";
  /** For `no_consent`: the deadline that passed, in the merchant's zone. */
  deadline: string | null;
};

export function cancelledSubject(props: Pick<CancelledEmailProps, "orderNumber" | "lines">): string {
  return `Order ${props.orderNumber}: ${itemsLabel(props.lines.map((l) => l.title))} cancelled`;
}

const why: Record<CancelledEmailProps["by"], (p: CancelledEmailProps) => string> = {
  shopper: () => "As you asked, we cancelled:",
  agent: () => "Our support team cancelled, as agreed with you:",
  shop: () => "The shop cancelled:",
  no_consent: (p) =>
    `We asked whether you wanted to keep waiting and did not hear from you by ${p.deadline ?? "the deadline"}, so, as the notice said, we cancelled:`,
};

/** Confirms a cancellation and the refund it is owed. */
export function CancelledEmail(props: CancelledEmailProps) {
  const refund = props.lines.reduce((sum, l) => sum + l.refundMinor, 0);
  return (
    <OrderEmail
      {...props}
      preview={`Cancelled: ${itemsLabel(props.lines.map((l) => l.title))}. Refund ${money(refund, props.currency)}.`}
      heading={props.lines.length === 1 ? "Item cancelled" : "Items cancelled"}
      actions={[{ label: "Order status", href: props.links.view }]}
    >
      <Paragraph>{why[props.by](props)}</Paragraph>
      {props.lines.map((line, i) => (
        <Item key={i} title={line.title} quantity={line.units}>
          <ItemDetail>Refund {money(line.refundMinor, props.currency)}</ItemDetail>
        </Item>
      ))}
      <Paragraph>
        {refund > 0
          ? `The shop refunds ${money(refund, props.currency)} to the way you paid; banks usually take 3 to 5 working days to show it.`
          : "There was nothing to refund."}{" "}
        Anything else on your order is not affected.
      </Paragraph>
    </OrderEmail>
  );
}

CancelledEmail.PreviewProps = {
  ...sampleBase,
  lines: [{ title: "Camp Stove", units: 1, refundMinor: 8900 }],
  currency: "USD",
  by: "shopper",
  deadline: null,
} satisfies CancelledEmailProps;
