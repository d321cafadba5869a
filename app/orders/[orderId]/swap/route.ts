// POST /orders/{orderId}/swap — the order page's swap form (the item and the alternative chosen).
import { formPost } from "@/app/form-posts";
import { swapAction } from "../actions";

export const POST = formPost<{ orderId: string }>(
  (form, { orderId }) => {
    // The order is the one in the address; the form names only the item.
    form.set("orderId", orderId);
    return swapAction(null, form);
  },
  ({ orderId }) => `/orders/${orderId}`,
);
