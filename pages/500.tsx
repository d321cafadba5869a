import type { PageConfig } from "next";
import { WayBack } from "@/components/not-found";
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
        <WayBack />
      </div>
    </ShopperShell>
  );
}
