import type { PageConfig } from "next";
import Link from "next/link";
import { ShopperShell } from "@/components/shopper-shell";

export const config: PageConfig = { unstable_runtimeJS: false };

// What a shopper page answers when something failed on our side: a sentence and a way on, never a
// stack trace. (Built once, static: it must not depend on what just failed.)
export default function ErrorPage() {
  return (
    <ShopperShell title="Something went wrong" noindex>
      <div className="max-w-lg space-y-4">
        <h1 className="text-3xl font-bold tracking-tight">Something went wrong on our side</h1>
        <p className="text-stone-700">
          Please try again in a minute. If it keeps happening, write to the shop you ordered from; they can see your
          order too.
        </p>
        <p className="flex flex-wrap gap-4">
          <Link href="/" className="font-semibold underline">
            Look up an order
          </Link>
          <Link href="/orders" className="font-semibold underline">
            Your orders
          </Link>
        </p>
      </div>
    </ShopperShell>
  );
}
