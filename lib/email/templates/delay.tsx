import { formatDay, type IsoDate } from "../../dates";
import {
  Actions,
  Item,
  ItemDetail,
  OrderEmail,
  Paragraph,
  itemsLabel,
  sampleBase,
  windowText,
  type OrderEmailBase,
} from "./parts";

export type DelayNoticeLine = {
  title: string;
  /** The date that will be missed. */
  promisedShipEnd: IsoDate;
  newShipStart: IsoDate | null;
  newShipEnd: IsoDate | null;
  consentNeeded: boolean;
  /** The answer page (signed): "keep waiting" or "cancel", each a button there. */
  answerUrl: string;
  /** The deadline for "keep waiting", in the merchant's zone; null when silence keeps the order. */
  deadline: string | null;
  /** Why the date moved, in the shopper's words; null when not known. */
  why?: string | null;
};

export type DelayEmailProps = OrderEmailBase & { renewed: boolean; lines: DelayNoticeLine[] };

export function delaySubject(props: Pick<DelayEmailProps, "orderNumber" | "lines">): string {
  const titles = itemsLabel(props.lines.map((l) => l.title));
  return props.lines.some((l) => l.consentNeeded)
    ? `Action needed: keep waiting for ${titles}? (order ${props.orderNumber})`
    : `Order ${props.orderNumber}: ${titles} ${props.lines.length === 1 ? "is" : "are"} delayed`;
}

/**
 * A delay notice under the mail-order rule: the date that will be missed, the new date (or that
 * there is none), and the shopper's choice. Silence keeps a first delay of up to 30 days; for
 * anything more the shopper must say "keep waiting" before the deadline or the item is cancelled.
 */
export function DelayEmail(props: DelayEmailProps) {
  const consent = props.lines.some((l) => l.consentNeeded);
  return (
    <OrderEmail
      {...props}
      preview={
        consent ? "Please tell us whether to keep waiting or cancel." : "We are sorry: a new date, and your choice."
      }
      heading={
        consent
          ? "Do you want to keep waiting?"
          : props.lines.length === 1
            ? "Your item is delayed"
            : "Your items are delayed"
      }
    >
      <Paragraph>
        We are sorry: {props.renewed ? "the revised date we gave you" : "the date we gave you"} for{" "}
        {props.lines.length === 1 ? "this item" : "these items"} on order {props.orderNumber} will be missed.
      </Paragraph>
      {props.lines.map((line, i) => (
        <Item key={i} title={line.title}>
          <ItemDetail>We said it would ship by {formatDay(line.promisedShipEnd)}.</ItemDetail>
          <ItemDetail strong>
            {line.newShipEnd
              ? `New date: ships ${windowText(line.newShipStart, line.newShipEnd)}.`
              : "The supplier has not given a new date yet."}
          </ItemDetail>
          {line.why ? <ItemDetail>Why: {line.why}</ItemDetail> : null}
          {line.consentNeeded ? (
            <>
              <ItemDetail strong>
                Please choose by {line.deadline}. If we do not hear from you by then, we will cancel it and the shop
                will refund you in full.
              </ItemDetail>
              <Actions
                brand={props.brand}
                actions={[
                  { label: "Keep waiting", href: `${line.answerUrl}?choice=keep` },
                  { label: "Cancel this item", href: `${line.answerUrl}?choice=cancel` },
                ]}
              />
            </>
          ) : (
            <>
              <ItemDetail>
                If the new date works for you, you do not need to do anything: we keep your order. If not, you can
                cancel it for a full refund.
              </ItemDetail>
              <Actions
                brand={props.brand}
                actions={[{ label: "Cancel this item", href: `${line.answerUrl}?choice=cancel` }]}
              />
            </>
          )}
        </Item>
      ))}
      <Paragraph small>
        You have this choice under the US mail-order rule. The links open a page where you confirm with one button, so
        nothing happens just by opening this email.
      </Paragraph>
    </OrderEmail>
  );
}

DelayEmail.PreviewProps = {
  ...sampleBase,
  renewed: false,
  lines: [
    {
      title: "Trail Jacket — Green / M",
      promisedShipEnd: "2026-12-15",
      newShipStart: "2026-12-22",
      newShipEnd: "2026-12-29",
      consentNeeded: false,
      answerUrl: "http://localhost:3000/delay/sample-delay-token",
      deadline: null,
    },
  ],
} satisfies DelayEmailProps;

export const renewedDelayPreviewProps = {
  ...sampleBase,
  renewed: true,
  lines: [
    {
      title: "Trail Jacket — Green / M",
      promisedShipEnd: "2026-12-29",
      newShipStart: null,
      newShipEnd: null,
      consentNeeded: true,
      answerUrl: "http://localhost:3000/delay/sample-delay-token",
      deadline: "Tue, Dec 29, 11:59 PM PST",
    },
  ],
} satisfies DelayEmailProps;
