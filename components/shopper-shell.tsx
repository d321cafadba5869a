import Head from "next/head";
import Link from "next/link";
import { inkOn, readableAccent } from "@/lib/brand";
import { SignOutButton } from "./sign-out";

export type Brand = {
  name: string;
  brandColor: string;
  logoUrl: string | null;
  supportEmail: string;
};

/**
 * The frame of every shopper page: the merchant's name, logo and colour when we know the merchant
 * (the branding slot), the portal's own quiet header otherwise. Pages render without React in the
 * browser; `script` adds public/js/forms.js (pending states, confirmations) to pages with forms,
 * carrying this response's CSP nonce (the policy allows no script without it).
 */
export function ShopperShell({
  title,
  noindex = false,
  brand,
  signedInAs,
  script,
  children,
}: {
  title?: string;
  /** Pages reached by a signed link or about one person's order stay out of search engines. */
  noindex?: boolean;
  brand?: Brand | null;
  signedInAs?: string | null;
  script?: { nonce: string | null };
  children: React.ReactNode;
}) {
  const color = brand?.brandColor ?? "#292524";
  const style = {
    "--brand": color,
    "--brand-ink": inkOn(color),
    "--brand-accent": readableAccent(color),
  } as React.CSSProperties;
  return (
    <div style={style} className="flex min-h-dvh flex-col">
      <Head>
        <title>{title ? `${title} · Order status` : "Order status"}</title>
        {noindex ? <meta name="robots" content="noindex" /> : null}
      </Head>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <header className="bg-brand text-brand-ink">
        {/* At phone width the account links move below the shop's name rather than squeezing it word by word. */}
        <div className="mx-auto flex max-w-3xl flex-wrap items-center gap-x-3 gap-y-1 px-4 py-3">
          {brand?.logoUrl ? (
            // Merchant logos come from their own hosts; next/image would need every host configured.
            // eslint-disable-next-line @next/next/no-img-element
            <img src={brand.logoUrl} alt="" width={32} height={32} className="size-8 rounded bg-white/90 p-0.5" />
          ) : null}
          <p className="text-lg font-semibold tracking-tight">{brand?.name ?? "Order status"}</p>
          {signedInAs ? (
            <nav aria-label="Account" className="ml-auto flex shrink-0 items-center gap-3 text-sm whitespace-nowrap">
              <Link href="/orders" className="underline underline-offset-2">
                Your orders
              </Link>
              <SignOutButton />
            </nav>
          ) : null}
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-3xl flex-1 px-4 py-6 sm:py-10">
        {children}
      </main>
      <footer className="border-t border-stone-200 bg-white">
        <div className="mx-auto flex max-w-3xl flex-wrap items-center justify-between gap-2 px-4 py-4 text-sm text-stone-600">
          {brand ? (
            <p>
              Questions? Write to{" "}
              <a className="font-medium text-[var(--brand-accent)] underline" href={`mailto:${brand.supportEmail}`}>
                {brand.supportEmail}
              </a>
            </p>
          ) : (
            <p>Honest order status for backordered items.</p>
          )}
          <Link className="underline" href="/">
            Find another order
          </Link>
        </div>
      </footer>
      {script ? <script src="/js/forms.js" defer nonce={script.nonce ?? undefined} /> : null}
    </div>
  );
}

/**
 * What the last form post answered (POST-redirect-GET brings it in a flash cookie): one focusable
 * region, which public/js/forms.js focuses so the sentence is read out after the page loads.
 */
export function FormResult({ flash }: { flash: { ok: boolean; message: string } | null }) {
  if (!flash) return null;
  return (
    <p
      id="result"
      tabIndex={-1}
      role="status"
      className={`rounded-lg px-3 py-2 text-sm ${flash.ok ? "bg-emerald-50 text-emerald-900" : "bg-red-50 text-red-900"}`}
    >
      {flash.message}
    </p>
  );
}
