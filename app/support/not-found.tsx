import Link from "next/link";

// The same page for an order (or shop) that does not exist and one the agent does not serve:
// which of the two it is would tell an agent what another shop holds.
export default function SupportNotFound() {
  return (
    <div className="max-w-xl space-y-3">
      <h1 className="text-2xl font-bold">Not found</h1>
      <p>
        There is no such order or shop among the shops you serve. Check the link, or search by order number, email,
        name, SKU or tracking number.
      </p>
      <p>
        <Link href="/support" className="font-semibold underline underline-offset-2">
          Find an order
        </Link>
      </p>
    </div>
  );
}
