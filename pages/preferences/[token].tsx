import type { GetServerSideProps, PageConfig } from "next";
import { FormResult, ShopperShell } from "@/components/shopper-shell";
import { UnopenedLink } from "@/components/not-found";
import { pageFlash, pageNonce, privatePage } from "@/components/shopper-page";
import { db } from "@/lib/db/client";
import type { Flash } from "@/lib/links/flash";
import { readPreferencesToken } from "@/lib/notifications/links";
import { preferencesView, type PreferencesView } from "@/lib/notifications/preferences";
import { maskEmail } from "@/lib/orders/words";

export const config: PageConfig = { runtime: "nodejs", unstable_runtimeJS: false };

type Props =
  { found: false } | { found: true; token: string; view: PreferencesView; flash: Flash | null; nonce: string | null };

export const getServerSideProps: GetServerSideProps<Props, { token: string }> = async (context) => {
  privatePage(context);
  const token = decodeURIComponent(context.params!.token);
  const link = readPreferencesToken(token);
  if (!link) return { props: { found: false } };
  return {
    props: {
      found: true,
      token,
      view: await preferencesView(db(), link),
      flash: pageFlash(context),
      nonce: pageNonce(context),
    },
  };
};

function Choice({
  name,
  value,
  label,
  hint,
  defaultChecked,
}: {
  name: string;
  value: string;
  label: string;
  hint?: string;
  defaultChecked: boolean;
}) {
  const id = `${name}-${value}`;
  return (
    <div className="flex items-start gap-3 rounded-lg border border-stone-300 bg-white p-3 has-[:checked]:border-[var(--brand-accent)] has-[:checked]:ring-1 has-[:checked]:ring-[var(--brand-accent)]">
      <input
        id={id}
        type="radio"
        name={name}
        value={value}
        defaultChecked={defaultChecked}
        aria-describedby={hint ? `${id}-hint` : undefined}
        className="mt-1 size-5 shrink-0 accent-[var(--brand-accent)]"
      />
      <label htmlFor={id} className="flex-1">
        <span className="block font-medium">{label}</span>
        {hint ? (
          <span id={`${id}-hint`} className="block text-sm text-stone-600">
            {hint}
          </span>
        ) : null}
      </label>
    </div>
  );
}

// GET /preferences/{token} — a shopper's email choices, reached from the footer of every email.
export default function PreferencesPage(props: Props) {
  if (!props.found) {
    return (
      <UnopenedLink
        title="Email choices"
        heading="This link does not open your email choices"
        reason="It may be incomplete: try the “Email preferences” link at the bottom of one of our emails again."
      />
    );
  }
  const { token, view, flash, nonce } = props;
  const brand = view.order
    ? {
        name: view.order.merchantName,
        brandColor: view.order.brandColor,
        logoUrl: view.order.logoUrl,
        supportEmail: view.order.supportEmail,
      }
    : null;
  const order = view.order;
  const orderChoice = order ? (order.choice === null ? "follow" : order.choice ? "yes" : "no") : null;
  return (
    <ShopperShell title="Email choices" noindex brand={brand} script={{ nonce }}>
      <div className="space-y-6">
        <header className="space-y-2">
          <h1 className="text-2xl font-bold">Your email choices</h1>
          <p className="max-w-prose text-stone-700">
            For {maskEmail(view.email)}. Emails about a ship date that moves are up to you. We always email you when
            something ships, to confirm a cancellation or swap, when a supplier first confirms a date, and when a delay
            needs your answer.
          </p>
        </header>
        <form method="post" action={`/preferences/${token}/save`} data-pending="Saving…" className="space-y-6">
          {order ? (
            <fieldset className="space-y-2">
              <legend className="mb-2 text-lg font-semibold">When a ship date on order {order.number} moves</legend>
              <Choice
                name="order"
                value="follow"
                label="Follow my choice for all orders"
                defaultChecked={orderChoice === "follow"}
              />
              <Choice name="order" value="yes" label="Email me" defaultChecked={orderChoice === "yes"} />
              <Choice
                name="order"
                value="no"
                label="Do not email me"
                hint="You can still see every date on the order page."
                defaultChecked={orderChoice === "no"}
              />
            </fieldset>
          ) : null}
          <fieldset className="space-y-2">
            <legend className="mb-2 text-lg font-semibold">When a ship date moves, on all my orders</legend>
            <Choice name="allOrders" value="yes" label="Email me" defaultChecked={view.allOrders} />
            <Choice name="allOrders" value="no" label="Do not email me" defaultChecked={!view.allOrders} />
          </fieldset>
          <FormResult flash={flash} />
          <button
            type="submit"
            className="w-full rounded-lg bg-brand px-4 py-3 font-semibold text-brand-ink hover:opacity-90 disabled:opacity-70 sm:w-auto"
          >
            Save my choices
          </button>
        </form>
      </div>
    </ShopperShell>
  );
}
