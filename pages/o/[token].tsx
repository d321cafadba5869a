import type { GetServerSideProps, PageConfig } from "next";
import { UnopenedLink, WayBack } from "@/components/not-found";
import { ShopperShell } from "@/components/shopper-shell";
import { OrderDetails } from "@/components/order/order-details";
import { pack, unpack } from "@/components/page-data";
import { pageReads, privatePage } from "@/components/shopper-page";
import { checkViewToken } from "@/lib/links/view-link";
import { loadOrderView, type OrderView } from "@/lib/orders/view";

export const config: PageConfig = { runtime: "nodejs", unstable_runtimeJS: false };

const problems = {
  invalid:
    "This link does not open an order. It may be incomplete; try the link in your email again, or look your order up below.",
  expired:
    "This link has expired: links stay valid for 30 days after everything on the order has shipped or been cancelled.",
  revoked:
    "This link was turned off by the shop. Look your order up again, or sign in with the email you ordered with.",
};

type Props = { view: string } | { problem: keyof typeof problems };

export const getServerSideProps: GetServerSideProps<Props, { token: string }> = async (context) => {
  privatePage(context);
  const read = pageReads(context);
  const check = await read((db) => checkViewToken(db, context.params!.token));
  const view = check.ok ? await read((db) => loadOrderView(db, check.orderId)) : null;
  if (!check.ok || !view) return { props: { problem: check.ok ? "invalid" : check.reason } };
  return { props: { view: pack(view) } };
};

// GET /o/{token} — the signed, read-only view of one order that emails and the lookup lead to.
export default function ViewLinkPage(props: Props) {
  if ("problem" in props) {
    return (
      <UnopenedLink
        title="Your order"
        heading="We cannot show this order"
        reason={problems[props.problem]}
        wayOn={<WayBack instead={{ href: "/signin", label: "Sign in" }} />}
      />
    );
  }
  const view = unpack<OrderView>(props.view);
  return (
    <ShopperShell title="Your order" noindex brand={view.merchant}>
      <OrderDetails view={view} mode="link" swapOptions={new Map()} />
    </ShopperShell>
  );
}
