// POST /delay/{token}/answer — the delay notice's two buttons; the signed token in the address is the identity.
import { formPost } from "@/app/form-posts";
import { answerDelayAction } from "../actions";

export const POST = formPost<{ token: string }>(
  (form, { token }) => {
    form.set("token", decodeURIComponent(token));
    return answerDelayAction(null, form);
  },
  ({ token }) => `/delay/${token}`,
);
