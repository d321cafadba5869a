import type { PageConfig } from "next";
import { NotFoundMessage } from "@/components/not-found";
import { ShopperShell } from "@/components/shopper-shell";

export const config: PageConfig = { runtime: "nodejs", unstable_runtimeJS: false };

// An order that is not the signed-in shopper's (exactly as invisible as a missing one).
export default function NotFoundPage() {
  return (
    <ShopperShell title="Page not found" noindex>
      <NotFoundMessage />
    </ShopperShell>
  );
}
