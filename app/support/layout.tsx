import type { Metadata } from "next";
import Link from "next/link";
import { requireAgentPage } from "./guard";
import { SignOutButton } from "@/components/sign-out";

export const metadata: Metadata = { title: { default: "Support", template: "%s · Support" }, robots: { index: false } };
export const dynamic = "force-dynamic";

export default async function SupportLayout({ children }: { children: React.ReactNode }) {
  const scope = await requireAgentPage();
  return (
    <div className="flex min-h-dvh flex-col bg-stone-100">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <header className="bg-stone-900 text-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <p className="font-semibold">Support console</p>
          <nav aria-label="Support" className="flex flex-wrap gap-4 text-sm">
            <Link href="/support" className="underline-offset-4 hover:underline">
              Find an order
            </Link>
            <Link href="/support/board" className="underline-offset-4 hover:underline">
              Backorder board
            </Link>
            <Link href="/support/audit" className="underline-offset-4 hover:underline">
              Audit log
            </Link>
            <Link href="/support/merchants" className="underline-offset-4 hover:underline">
              Shops
            </Link>
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            <span>
              {scope.email} · {scope.role === "admin" ? "admin, all shops" : "agent"}
            </span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6">
        {children}
      </main>
    </div>
  );
}
