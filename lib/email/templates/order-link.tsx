import { Text } from "@react-email/components";
import { EmailButton, EmailLayout, portalBrand } from "./layout";

export type OrderLinkEmailProps = { url: string; appUrl: string; orderNumber: string };

/**
 * The order's view link, sent instead of opened on screen while an email has had many failed
 * lookups: whoever is guessing learns nothing, and the shopper still gets in through their inbox.
 */
export function OrderLinkEmail({ url, appUrl, orderNumber }: OrderLinkEmailProps) {
  return (
    <EmailLayout
      brand={portalBrand}
      appUrl={appUrl}
      preview={`The link to order ${orderNumber}`}
      title="Your order link"
    >
      <Text>You looked up order {orderNumber}. Here is its page, with what has shipped and when the rest will:</Text>
      <EmailButton href={url} color={portalBrand.brandColor}>
        See order {orderNumber}
      </EmailButton>
      <Text style={{ fontSize: "14px", color: "#57534e" }}>
        We sent this link by email because there were many lookups with your address in a short time. If that was not
        you, nothing is needed: nobody sees your order without this link.
      </Text>
    </EmailLayout>
  );
}

OrderLinkEmail.PreviewProps = {
  url: "http://localhost:3000/o/example",
  appUrl: "http://localhost:3000",
  orderNumber: "#1042",
} satisfies OrderLinkEmailProps;
