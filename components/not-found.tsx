import Link from "next/link";

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

/** Where a shopper can go from a page that could not answer: the lookup, or their orders. */
export function WayBack() {
  return (
    <p className="flex flex-wrap gap-4">
      <Link href="/" className="font-semibold underline">
        Look up an order
      </Link>
      <Link href="/orders" className="font-semibold underline">
        Your orders
      </Link>
    </p>
  );
}
