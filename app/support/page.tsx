import type { Metadata } from "next";
import { SearchBox } from "@/components/support/search-box";

export const metadata: Metadata = { title: "Find an order" };

export default function SupportSearchPage() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Find an order</h1>
      <SearchBox />
    </div>
  );
}
