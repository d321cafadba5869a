import type { Metadata } from "next";
import Link from "next/link";
import { db } from "@/lib/db/client";
import { formatDay } from "@/lib/dates";
import { merchantsInScope } from "@/lib/support/access";
import { backorderBoard, boardQuery, boardSorts, honestyFigures, type BoardSort } from "@/lib/support/board";
import type { HonestyFigure } from "@/lib/support/honesty";
import { ScrollRegion } from "@/components/support/scroll-region";
import { requireAgentPage } from "../guard";
import { ShopFilter } from "../shop-filter";
import { TableHead } from "@/components/support/table-head";
import { Field } from "@/components/field";

export const metadata: Metadata = { title: "Backorder board" };

const percent = (share: number) => `${Math.round(share * 100)}%`;

/** ETA honesty per supplier as bars: the share shipped inside the first window we showed. */
function HonestyChart({ figures }: { figures: HonestyFigure[] }) {
  if (figures.length === 0) return null;
  const row = 26;
  const width = 520;
  const label = 170;
  return (
    <svg
      viewBox={`0 0 ${width} ${figures.length * row + 24}`}
      className="h-auto w-full max-w-2xl"
      aria-hidden="true"
      focusable="false"
    >
      {[0, 0.5, 0.9, 1].map((tick) => (
        <g key={tick}>
          <line
            x1={label + tick * (width - label - 50)}
            x2={label + tick * (width - label - 50)}
            y1={0}
            y2={figures.length * row}
            stroke={tick === 0.9 ? "#b45309" : "#d6d3d1"}
            strokeDasharray={tick === 0.9 ? "4 3" : undefined}
          />
          <text
            x={label + tick * (width - label - 50)}
            y={figures.length * row + 16}
            fontSize="11"
            textAnchor="middle"
            fill="#44403c"
          >
            {percent(tick)}
          </text>
        </g>
      ))}
      {figures.map((f, i) => (
        <g key={f.group} transform={`translate(0, ${i * row})`}>
          <text x={label - 8} y={row / 2 + 4} fontSize="12" textAnchor="end" fill="#1c1917">
            {f.group.length > 24 ? `${f.group.slice(0, 23)}…` : f.group}
          </text>
          <rect
            x={label}
            y={5}
            height={row - 10}
            width={Math.max(1, f.insideFirstWindow * (width - label - 50))}
            rx="3"
            fill={f.insideFirstWindow >= 0.9 ? "#047857" : f.insideFirstWindow >= 0.7 ? "#b45309" : "#b91c1c"}
          />
          <text x={label + f.insideFirstWindow * (width - label - 50) + 6} y={row / 2 + 4} fontSize="11" fill="#1c1917">
            {percent(f.insideFirstWindow)}
          </text>
        </g>
      ))}
    </svg>
  );
}

function HonestyTable({ caption, figures }: { caption: string; figures: HonestyFigure[] }) {
  return (
    <table className="w-full text-left text-sm">
      <caption className="pb-2 text-left font-medium">{caption}</caption>
      <TableHead columns={["Who", "Shipped lines", "Inside first window", "Late", "Early", "Median slip"]} />
      <tbody>
        {figures.map((f) => (
          <tr key={f.group} className="border-t border-stone-200">
            <th scope="row" className="px-3 py-2 font-medium">
              {f.group}
            </th>
            <td className="px-3 py-2">{f.shipped}</td>
            <td className="px-3 py-2">{percent(f.insideFirstWindow)}</td>
            <td className="px-3 py-2">{percent(f.lateShare)}</td>
            <td className="px-3 py-2">{percent(f.earlyShare)}</td>
            <td className="px-3 py-2">
              {f.medianSlipDays > 0
                ? `${f.medianSlipDays} days late`
                : f.medianSlipDays < 0
                  ? `${-f.medianSlipDays} days early`
                  : "on the promised day"}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default async function BoardPage({
  searchParams,
}: {
  searchParams: Promise<{ merchant?: string; sort?: string }>;
}) {
  const scope = await requireAgentPage("/support/board");
  const params = await searchParams;
  const shops = await merchantsInScope(db(), scope);
  const merchantId = shops.some((m) => m.id === params.merchant) ? params.merchant : undefined;
  const { sort } = boardQuery(params);
  const [board, honesty] = await Promise.all([
    backorderBoard(db(), scope, { merchantId, sort }),
    honestyFigures(db(), scope, { merchantId }),
  ]);
  const query = (next: Partial<{ merchant: string; sort: string }>) => {
    const search = new URLSearchParams({ ...(merchantId ? { merchant: merchantId } : {}), sort, ...next });
    return `?${search}`;
  };
  const header = (key: BoardSort, label: string) => (
    <th
      scope="col"
      className="px-3 py-2"
      aria-sort={sort === key ? (key === "next_po" || key === "sku" ? "ascending" : "descending") : undefined}
    >
      <Link href={query({ sort: key })} className="underline-offset-2 hover:underline">
        {label}
      </Link>
    </th>
  );
  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <h1 className="text-2xl font-bold">Backorder board</h1>
        <form className="flex flex-wrap items-end gap-3">
          <ShopFilter shops={shops} merchantId={merchantId} />
          <Field htmlFor="sort" label="Sort by">
            <select
              id="sort"
              name="sort"
              defaultValue={sort}
              className="rounded-lg border border-stone-400 bg-white px-2.5 py-1.5 text-sm"
            >
              {Object.entries(boardSorts).map(([key, label]) => (
                <option key={key} value={key}>
                  {label}
                </option>
              ))}
            </select>
          </Field>
          <button
            type="submit"
            className="min-h-10 rounded-lg bg-stone-900 px-3 py-1.5 text-sm font-semibold text-white"
          >
            Show
          </button>
          <a
            href={`/support/board.csv${query({})}`}
            className="min-h-10 rounded-lg border border-stone-400 bg-white px-3 py-2 text-sm font-semibold"
          >
            Export CSV
          </a>
        </form>
      </div>

      <section aria-labelledby="skus-heading" className="space-y-2">
        <h2 id="skus-heading" className="text-lg font-semibold">
          SKUs waiting or on order ({board.length})
        </h2>
        <ScrollRegion label="SKUs waiting or on order">
          <table className="w-full text-left text-sm">
            <thead className="bg-stone-50">
              <tr>
                {header("sku", "SKU")}
                <th scope="col" className="px-3 py-2">
                  Shop
                </th>
                {header("short", "Units short")}
                {header("queue", "Queue")}
                {header("next_po", "Next delivery")}
                {header("risk", "At risk")}
              </tr>
            </thead>
            <tbody>
              {board.map((r) => (
                <tr key={r.skuId} className="border-t border-stone-200 align-top">
                  <th scope="row" className="px-3 py-2 font-medium">
                    {r.code}
                    <span className="block font-normal text-stone-700">{r.title}</span>
                  </th>
                  <td className="px-3 py-2">{r.merchant}</td>
                  <td className="px-3 py-2">{r.unitsShort}</td>
                  <td className="px-3 py-2">{r.queueDepth} lines</td>
                  <td className="px-3 py-2">
                    {r.nextPo ? (
                      `${r.nextPo.reference}: ${r.nextPo.units} on ${formatDay(r.nextPo.expectedDate)}`
                    ) : (
                      <span className="font-medium text-red-800">none on order</span>
                    )}
                  </td>
                  <td className="px-3 py-2">
                    {[
                      r.rolling ? `${r.rolling} rolling` : null,
                      r.pastFirstWindow ? `${r.pastFirstWindow} past first window` : null,
                      r.consentDueSoon ? `${r.consentDueSoon} consent due` : null,
                    ]
                      .filter(Boolean)
                      .join(" · ") || "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      </section>

      <section aria-labelledby="honesty-heading" className="space-y-4">
        <div>
          <h2 id="honesty-heading" className="text-lg font-semibold">
            ETA honesty
          </h2>
          <p className="text-sm text-stone-700">
            How often lines shipped inside the first window we showed the shopper. The dashed line is the 90% aim.
          </p>
        </div>
        <HonestyChart figures={honesty.bySupplier} />
        <div className="grid gap-6 lg:grid-cols-2">
          <ScrollRegion label="ETA honesty by supplier" className="p-3">
            <HonestyTable
              caption="By supplier (lines that waited for that supplier's delivery)"
              figures={honesty.bySupplier}
            />
          </ScrollRegion>
          <ScrollRegion label="ETA honesty by shop" className="p-3">
            <HonestyTable caption="By shop (every shipped line)" figures={honesty.byMerchant} />
          </ScrollRegion>
        </div>
      </section>
    </div>
  );
}
