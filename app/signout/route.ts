// POST /signout — the "Sign out" button of the shopper pages and the support console.
import { signOut } from "@/auth";
import { formPost } from "@/app/form-posts";

export const POST = formPost(
  async () => {
    await signOut({ redirect: false });
    return { redirect: "/" };
  },
  () => "/",
);
