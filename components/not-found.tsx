import Link from "next/link";
import type { ReactNode } from "react";
import { ShopperShell } from "./shopper-shell";

/** What an unknown address answers, on both routers (pages/404.tsx, app/not-found.tsx). */
export function NotFoundMessage() {
  return (
    <div className="max-w-lg space-y-4">
      <h1 className="text-3xl font-bold tracking-tight">We cannot find that page</h1>
      <p className="text-stone-700">
        The address may be incomplete, or the order belongs to another email address than the one you signed in with.
      </p>
      <WayBack />
    </div>
  );
}

/** Where a shopper can go from a page that could not answer: the lookup, or (by default) their orders. */
export function WayBack({
  instead = { href: "/orders", label: "Your orders" },
}: {
  instead?: { href: string; label: string };
}) {
  return (
    <p className="flex flex-wrap gap-4">
      <Link href="/" className="font-semibold underline">
        Look up an order
      </Link>
      <Link href={instead.href} className="font-semibold underline">
        {instead.label}
      </Link>
    </p>
  );
}

/** A shopper page whose link opened nothing: what it did not open and why, then the way on (the lookup unless told). */
export function UnopenedLink({
  title,
  heading,
  reason,
  wayOn = (
    <Link href="/" className="font-semibold underline">
      Look up an order
    </Link>
  ),
}: {
  title: string;
  heading: string;
  reason: ReactNode;
  wayOn?: ReactNode;
}) {
  return (
    <ShopperShell title={title} noindex>
      <div className="space-y-4">
        <h1 className="text-2xl font-bold">{heading}</h1>
        <p className="max-w-prose text-stone-700">{reason}</p>
        {wayOn}
      </div>
    </ShopperShell>
  );
}
