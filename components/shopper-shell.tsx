import Link from "next/link";
import { signOutAction } from "@/app/signin/actions";
import { inkOn, readableAccent } from "@/lib/brand";

export type Brand = {
  name: string;
  brandColor: string;
  logoUrl: string | null;
  supportEmail: string;
};

/**
 * The frame of every shopper page: the merchant's name, logo and colour when we know the merchant
 * (the branding slot), the portal's own quiet header otherwise.
 */
export function ShopperShell({
  brand,
  signedInAs,
  children,
}: {
  brand?: Brand | null;
  signedInAs?: string | null;
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
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <header className="bg-brand text-brand-ink">
        <div className="mx-auto flex max-w-3xl items-center gap-3 px-4 py-3">
          {brand?.logoUrl ? (
            // Merchant logos come from their own hosts; next/image would need every host configured.
            // eslint-disable-next-line @next/next/no-img-element
            <img src={brand.logoUrl} alt="" width={32} height={32} className="size-8 rounded bg-white/90 p-0.5" />
          ) : null}
          <p className="text-lg font-semibold tracking-tight">{brand?.name ?? "Order status"}</p>
          {signedInAs ? (
            <nav aria-label="Account" className="ml-auto flex items-center gap-3 text-sm">
              <Link href="/orders" className="underline underline-offset-2">
                Your orders
              </Link>
              <form action={signOutAction}>
                <button type="submit" className="underline underline-offset-2">
                  Sign out
                </button>
              </form>
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
    </div>
  );
}
