import Link from "next/link";
import { Fragment } from "react";

/** Where a page sits: each page above it a link, then the page itself, joined by " / ". */
export function Breadcrumbs({ above, here }: { above: { href: string; label: string }[]; here: string }) {
  return (
    <p className="text-sm text-stone-700">
      {above.map(({ href, label }) => (
        <Fragment key={href}>
          <Link href={href} className="underline">
            {label}
          </Link>{" "}
          /{" "}
        </Fragment>
      ))}
      {here}
    </p>
  );
}
