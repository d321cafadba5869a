import type { Metadata } from "next";
import { NotFoundMessage } from "@/components/not-found";
import { ShopperShell } from "@/components/shopper-shell";

export const metadata: Metadata = { title: "Page not found", robots: { index: false } };

// Any address neither router knows (Next answers those from the App Router), branded as pages/404.tsx.
export default function NotFound() {
  return (
    <ShopperShell>
      <NotFoundMessage />
    </ShopperShell>
  );
}
