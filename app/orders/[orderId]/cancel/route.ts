// POST /orders/{orderId}/cancel — the order page's cancel form (one item by lineId, or everything still waiting).
import { formPost } from "@/app/form-posts";
import { cancelAction } from "../actions";

export const POST = formPost<{ orderId: string }>(
  (form, { orderId }) => {
    // The order is the one in the address; the form names only the item.
    form.set("orderId", orderId);
    return cancelAction(null, form);
  },
  ({ orderId }) => `/orders/${orderId}`,
);
