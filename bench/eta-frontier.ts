// npm run eta:frontier — every slip rule tried on the shared 2006–2012 deliveries, walked forward
// from 2010 with strict availability (the same walk as eta:replay), as a markdown table and an SVG
// plot of "delivered by the window's end" against the mean late allowance. docs/eta.md embeds both.
//
//   npm run eta:frontier -- --out docs/eta-frontier.md --svg docs/eta-frontier.svg
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { defaultSlipRule, slipDays, slipEstimate, type SlipRule, type SupplierReceipt } from "../lib/eta/slip";
import { readDeliveries, replayFigures, replayStrict, type ReplayFigures, type ReplayOptions } from "./honesty/replay";
import { table } from "./lib";

const { values: args } = parseArgs({
  options: { out: { type: "string" }, svg: { type: "string" }, "score-from": { type: "string" } },
});
const scoreFrom = args["score-from"] ?? "2010-01-01";

type Estimator = NonNullable<ReplayOptions["estimate"]>;

/** Nearest-rank percentile of an ascending list, as the rules before v2 took them. */
const rank = (ascending: number[], p: number) =>
  ascending[Math.min(ascending.length, Math.max(1, Math.ceil(p * ascending.length))) - 1]!;

/**
 * The rules before v2, measured the same way: the percentiles of the supplier's last `recent`
 * receipts (every mode), slips beyond `iqrs` interquartile ranges set aside, overdue POs ignored.
 */
function countRule(late: number, early: number | null, recent: number, iqrs: number | null): Estimator {
  return (input, merchantDefaultDays) => {
    const last: SupplierReceipt[] = input.supplier.receipts.slice(-recent);
    const base = {
      basis: "supplier" as const,
      receipts: last.length,
      lateDays: 0,
      overdueDays: null,
      stretchedByOverdue: false,
    };
    if (last.length < 3)
      return { ...base, basis: "default", floorDays: 0, allowanceDays: merchantDefaultDays, lookbackDays: 0 };
    let slips = last.map(slipDays).sort((a, b) => a - b);
    if (iqrs !== null) {
      const [q1, q3] = [rank(slips, 0.25), rank(slips, 0.75)];
      const reach = iqrs * Math.max(1, q3 - q1);
      slips = slips.filter((s) => s >= q1 - reach && s <= q3 + reach);
    }
    const allowanceDays = Math.max(0, rank(slips, late));
    return {
      ...base,
      floorDays: early === null ? 0 : Math.min(allowanceDays, rank(slips, early)),
      allowanceDays,
      lookbackDays: 0,
    };
  };
}

const withRule = (changes: Partial<SlipRule>): SlipRule => ({ ...defaultSlipRule, ...changes });
const q = (x: number) => `p${Math.round(x * 100)}`;

type Candidate = { label: string; rule?: SlipRule; estimate?: Estimator; family: "v2" | "v2 variant" | "before v2" };
const candidates: Candidate[] = [
  {
    label: "supplier's date alone",
    estimate: (i) => ({ ...countRule(1, 0, 0, null)(i, 0), floorDays: 0, allowanceDays: 0 }),
    family: "before v2",
  },
  { label: "p80 of the last 20 (the starting rule)", estimate: countRule(0.8, null, 20, null), family: "before v2" },
  { label: "full range of the last 20, 3-IQR fence (v1)", estimate: countRule(1, 0, 20, 3), family: "before v2" },
  { label: "full range of the last 20, no fence", estimate: countRule(1, 0, 20, null), family: "before v2" },
  ...[0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.99].map((late) => ({
    label: `v2, late end ${q(late)}`,
    rule: withRule({ lateQuantile: late, lateMarginDays: 0 }),
    family: "v2" as const,
  })),
  ...[0.85, 0.95].flatMap((late) =>
    (
      [
        ["start p2", { earlyQuantile: 0.02 }],
        ["start p10", { earlyQuantile: 0.1 }],
        ["half-life 30 d", { halfLifeDays: 30 }],
        ["half-life 365 d", { halfLifeDays: 365 }],
        ["no recency weight, last 2 years", { halfLifeDays: 1e9, lookbackDays: 730 }],
        ["last 180 d", { lookbackDays: 180 }],
        ["10+ receipts per level", { minReceipts: 10 }],
        ["+3 d margin when late", { lateMarginDays: 3, marginTailDays: -1 }],
        ["+3 d margin on a heavy tail", { lateMarginDays: 3, marginTailDays: defaultSlipRule.marginTailDays }],
        ["overdue POs ignored", { overdueMaxDays: 0 }],
        ["overdue POs of any mode, up to 1000 d", { overdueSameMode: 0, overdueMaxDays: 1000 }],
      ] as [string, Partial<SlipRule>][]
    ).map(([what, changes]) => ({
      label: `v2, late end ${q(late)}, ${what}`,
      rule: withRule({ lateQuantile: late, lateMarginDays: 0, ...changes }),
      family: "v2 variant" as const,
    })),
  ),
  ...[0.85, 0.95].map((late) => ({
    label: `v2, late end ${q(late)}, supplier only (no mode split)`,
    rule: withRule({ lateQuantile: late, lateMarginDays: 0 }),
    estimate: ((input, days, rule) => slipEstimate({ ...input, shipmentMode: null }, days, rule)) as Estimator,
    family: "v2 variant" as const,
  })),
];

type Point = Candidate & { figures: ReplayFigures };

function frontierOf(points: Point[]): Set<Point> {
  // Pareto: no other rule holds at least as often with no more allowance (and is better in one).
  return new Set(
    points.filter(
      (p) =>
        !points.some(
          (o) =>
            o !== p &&
            o.figures.byEnd >= p.figures.byEnd &&
            o.figures.meanAllowance <= p.figures.meanAllowance &&
            (o.figures.byEnd > p.figures.byEnd || o.figures.meanAllowance < p.figures.meanAllowance),
        ),
    ),
  );
}

const shippedLabel = `v2, late end ${q(defaultSlipRule.lateQuantile)}, +3 d margin on a heavy tail`;

function svg(points: Point[], frontier: Set<Point>): string {
  const [w, h, left, bottom, top, right] = [720, 440, 60, 50, 20, 20];
  const xs = points.map((p) => p.figures.meanAllowance);
  const [xMax, yMin, yMax] = [Math.ceil(Math.max(...xs, 8) / 5) * 5, 0.84, 0.98];
  const x = (v: number) => left + (v / xMax) * (w - left - right);
  const y = (v: number) => h - bottom - ((v - yMin) / (yMax - yMin)) * (h - top - bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
  ];
  for (let v = 0; v <= xMax; v += 5)
    out.push(
      `<line x1="${x(v)}" y1="${y(yMin)}" x2="${x(v)}" y2="${y(yMax)}" stroke="#eee"/><text x="${x(v)}" y="${h - bottom + 16}" text-anchor="middle">${v}</text>`,
    );
  for (let v = yMin; v <= yMax + 1e-9; v += 0.02)
    out.push(
      `<line x1="${x(0)}" y1="${y(v)}" x2="${x(xMax)}" y2="${y(v)}" stroke="#eee"/><text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${Math.round(v * 100)}%</text>`,
    );
  // The target: at least 95% by the end with at most 8 days of mean allowance (top left).
  out.push(
    `<rect x="${x(0)}" y="${y(yMax)}" width="${x(8) - x(0)}" height="${y(0.95) - y(yMax)}" fill="#2a2" fill-opacity="0.12" stroke="#2a2" stroke-dasharray="4 3"/>`,
    `<text x="${x(0) + 6}" y="${y(yMax) + 16}" fill="#181">target</text>`,
  );
  const line = [...frontier].sort((a, b) => a.figures.meanAllowance - b.figures.meanAllowance);
  out.push(
    `<polyline fill="none" stroke="#36c" stroke-width="1.5" points="${line.map((p) => `${x(p.figures.meanAllowance).toFixed(1)},${y(p.figures.byEnd).toFixed(1)}`).join(" ")}"/>`,
  );
  for (const p of points) {
    const shipped = p.label === shippedLabel;
    const colour = shipped ? "#d22" : p.family === "before v2" ? "#888" : frontier.has(p) ? "#36c" : "#9ab";
    const [cx, cy] = [x(p.figures.meanAllowance).toFixed(1), y(Math.max(yMin, p.figures.byEnd)).toFixed(1)];
    out.push(
      p.family === "before v2"
        ? `<rect x="${Number(cx) - 4}" y="${Number(cy) - 4}" width="8" height="8" fill="${colour}"><title>${p.label}</title></rect>`
        : `<circle cx="${cx}" cy="${cy}" r="${shipped ? 6 : 4}" fill="${colour}"><title>${p.label}</title></circle>`,
    );
    if (shipped || p.family === "before v2")
      out.push(
        `<text x="${Number(cx) + 8}" y="${Number(cy) + 4}" fill="${colour}">${shipped ? "shipped" : p.label.split(" (")[0]}</text>`,
      );
  }
  out.push(
    `<text x="${(left + w - right) / 2}" y="${h - 12}" text-anchor="middle">mean late allowance (days after the supplier's date)</text>`,
    `<text transform="translate(16 ${(top + h - bottom) / 2}) rotate(-90)" text-anchor="middle">delivered by the window's end</text>`,
    "</svg>",
  );
  return `${out.join("\n")}\n`;
}

function main() {
  const deliveries = readDeliveries();
  const points: Point[] = candidates.map((c) => {
    const figures = replayFigures(replayStrict(deliveries, { scoreFrom, rule: c.rule, estimate: c.estimate }));
    console.error(`${c.label}: ${(figures.byEnd * 100).toFixed(1)}% by the end, ${figures.meanAllowance.toFixed(1)} d`);
    return { ...c, figures };
  });
  const frontier = frontierOf(points);
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const markdown = table(
    [
      "rule",
      "by the end",
      "inside",
      "early",
      "late allowance mean / median (d)",
      "width mean / median (d)",
      "frontier",
    ],
    [...points]
      .sort((a, b) => a.figures.meanAllowance - b.figures.meanAllowance)
      .map((p) => [
        p.label === shippedLabel ? `**${p.label} (shipped)**` : p.label,
        pct(p.figures.byEnd),
        pct(p.figures.inside),
        pct(p.figures.early),
        `${p.figures.meanAllowance.toFixed(1)} / ${p.figures.medianAllowance.toFixed(1)}`,
        `${p.figures.meanWidth.toFixed(1)} / ${p.figures.medianWidth.toFixed(1)}`,
        frontier.has(p) ? "yes" : "",
      ]),
  );
  const reached = points.filter(
    (p) => p.figures.byEnd >= 0.95 && p.figures.meanAllowance <= 8 && p.figures.inside >= 0.9,
  );
  const text =
    `${points.length} rules, ${points[0]!.figures.rows} rows scheduled from ${scoreFrom} on, walked forward with strict availability ` +
    `(\`npm run eta:frontier\`). Rules reaching all three targets (≥ 95% by the end, mean allowance ≤ 8 d, ≥ 90% inside): ` +
    `${reached.map((p) => p.label).join("; ") || "none"}.\n\n${markdown}\n`;
  if (args.out) writeFileSync(args.out, text);
  else console.log(text);
  if (args.svg) writeFileSync(args.svg, svg(points, frontier));
}

main();
