import type { GetServerSideProps, PageConfig } from "next";
import { ShopperShell } from "@/components/shopper-shell";
import { OrderDetails } from "@/components/order/order-details";
import type { OpenConfirmation } from "@/components/order/line-actions";
import { pack, unpack } from "@/components/page-data";
import { pageFlash, pageNonce, pageReads, pageShopper, privatePage } from "@/components/shopper-page";
import type { Flash } from "@/lib/links/flash";
import { swapOptionsForOrder, type SwapOption } from "@/lib/orders/swap";
import { shopperOrderView, type OrderView } from "@/lib/orders/view";

export const config: PageConfig = { runtime: "nodejs", unstable_runtimeJS: false };

type Props = {
  email: string;
  view: string;
  options: string;
  open: OpenConfirmation;
  flash: Flash | null;
  nonce: string | null;
};

/** `?cancel=<line>|all` or `?swap=<line>`: the confirmation a button opened without JavaScript. */
function openConfirmation(query: Record<string, string | string[] | undefined>): OpenConfirmation {
  const line = (value: unknown) => (typeof value === "string" && /^\d{1,15}$/.test(value) ? Number(value) : null);
  return { cancel: query.cancel === "all" ? "all" : line(query.cancel), swap: line(query.swap) };
}

export const getServerSideProps: GetServerSideProps<Props, { orderId: string }> = async (context) => {
  privatePage(context);
  const orderId = context.params!.orderId;
  const email = await pageShopper(context);
  if (!email)
    return {
      redirect: { destination: `/signin?callbackUrl=${encodeURIComponent(`/orders/${orderId}`)}`, permanent: false },
    };
  // Another shopper's order is exactly as invisible as one that does not exist.
  const read = pageReads(context);
  const view = await read((db) => shopperOrderView(db, { orderId, email }));
  if (!view) return { notFound: true };
  const options = await read((db) =>
    swapOptionsForOrder(db, { merchantId: view.order.merchantId, orderId: view.order.id }),
  );
  return {
    props: {
      email,
      view: pack(view),
      options: pack(options),
      open: openConfirmation(context.query),
      flash: pageFlash(context),
      nonce: pageNonce(context),
    },
  };
};

// GET /orders/{id} — the order page for its signed-in owner, with cancel, swap and shipping choices.
export default function OrderPage({ email, view, options, open, flash, nonce }: Props) {
  const order = unpack<OrderView>(view);
  return (
    <ShopperShell title="Your order" noindex brand={order.merchant} signedInAs={email} script={{ nonce }}>
      <OrderDetails
        view={order}
        mode="owner"
        swapOptions={unpack<Map<number, SwapOption[]>>(options)}
        open={open}
        flash={flash}
      />
    </ShopperShell>
  );
}
