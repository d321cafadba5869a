import type { GetServerSideProps, PageConfig } from "next";
import Link from "next/link";
import { pageNonce } from "@/components/shopper-page";
import { ShopperShell } from "@/components/shopper-shell";
import { noScriptLookupMessage } from "@/lib/orders/lookup-messages";
import { Field } from "@/components/field";

export const config: PageConfig = { runtime: "nodejs", unstable_runtimeJS: false };

type Props = { message: string | null; nonce: string | null };

export const getServerSideProps: GetServerSideProps<Props> = async (context) => ({
  props: {
    // What POST /lookup redirected back with (?lookup=…): the form is a plain post, with or without JavaScript.
    message: noScriptLookupMessage(typeof context.query.lookup === "string" ? context.query.lookup : undefined),
    nonce: pageNonce(context),
  },
});

// GET / — the order lookup. With JavaScript, public/js/forms.js keeps the button pending (and the
// form from being sent twice) until the order page replaces this one.
export default function HomePage({ message, nonce }: Props) {
  return (
    <ShopperShell script={{ nonce }}>
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
        <form
          action="/lookup"
          method="post"
          data-pending="Finding your order…"
          className="space-y-4 rounded-xl border border-stone-200 bg-white p-5 shadow-sm"
        >
          <div className="grid gap-4 sm:grid-cols-2">
            <Field htmlFor="number" label="Order number">
              <input
                id="number"
                name="number"
                required
                autoComplete="off"
                placeholder="#1001"
                aria-describedby={message ? "lookup-message" : undefined}
                className="block w-full rounded-lg border border-stone-400 px-3 py-2.5 text-base"
              />
            </Field>
            <Field htmlFor="email" label="Email you ordered with">
              <input
                id="email"
                name="email"
                type="email"
                required
                autoComplete="email"
                aria-describedby={message ? "lookup-message" : undefined}
                className="block w-full rounded-lg border border-stone-400 px-3 py-2.5 text-base"
              />
            </Field>
          </div>
          {message ? (
            <p id="lookup-message" role="status" className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900">
              {message}
            </p>
          ) : null}
          <button
            type="submit"
            className="w-full rounded-lg bg-stone-900 px-4 py-2.5 font-semibold text-white hover:bg-stone-800 disabled:cursor-wait disabled:bg-stone-700 sm:w-auto"
          >
            Find my order
          </button>
        </form>
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
