// POST /orders/{orderId}/shipping — the order page's choice of how the order ships.
import { formPost } from "@/app/form-posts";
import { preferenceAction } from "../actions";

export const POST = formPost<{ orderId: string }>(
  (form, { orderId }) => {
    // The order is the one in the address; the form names only the choice.
    form.set("orderId", orderId);
    return preferenceAction(null, form);
  },
  ({ orderId }) => `/orders/${orderId}`,
);
