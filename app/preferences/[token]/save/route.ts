// POST /preferences/{token}/save — the email choices form; the signed token in the address is the identity.
import { formPost } from "@/app/form-posts";
import { savePreferencesAction } from "../actions";

export const POST = formPost<{ token: string }>(
  (form, { token }) => {
    form.set("token", decodeURIComponent(token));
    return savePreferencesAction(null, form);
  },
  ({ token }) => `/preferences/${token}`,
);
