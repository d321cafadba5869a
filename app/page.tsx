import Link from "next/link";
import { ShopperShell } from "@/components/shopper-shell";
import { noScriptLookupMessage } from "@/lib/orders/lookup-messages";
import { LookupForm } from "./lookup-form";

export default async function HomePage({ searchParams }: { searchParams: Promise<{ lookup?: string }> }) {
  const { lookup } = await searchParams;
  return (
    <ShopperShell>
      <div className="space-y-8">
        <section aria-labelledby="lookup-heading" className="space-y-3">
          <h1 id="lookup-heading" className="text-3xl font-bold tracking-tight text-balance sm:text-4xl">
            Where is my order?
          </h1>
          <p className="max-w-prose text-stone-700">
            See what has shipped, what is still waiting, and when it will really ship. No account needed: your order
            number and the email you ordered with are enough.
          </p>
        </section>
        <LookupForm initialMessage={noScriptLookupMessage(lookup)} />
        <p className="text-stone-700">
          Ordered more than once?{" "}
          <Link href="/signin" className="font-semibold underline">
            Sign in with your email
          </Link>{" "}
          to see all your orders and to cancel or swap waiting items.
        </p>
        <section aria-labelledby="why-heading" className="rounded-xl border border-stone-200 bg-white p-5">
          <h2 id="why-heading" className="font-semibold">
            What you will see
          </h2>
          <ul className="mt-2 list-disc space-y-1 pl-5 text-stone-700">
            <li>An honest ship window for every waiting item, and why it moved if it did.</li>
            <li>Your place in the queue and when the next delivery from the supplier is due.</li>
            <li>Options: wait, swap to something in stock, or cancel what has not shipped.</li>
          </ul>
        </section>
      </div>
    </ShopperShell>
  );
}
