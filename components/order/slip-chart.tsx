import { addDays, daysBetween, formatShortDay, type IsoDate } from "@/lib/dates";

export type ChartPoint = { said: IsoDate; start: IsoDate | null; end: IsoDate | null };

/**
 * The ETA history as a slip chart (milestone trend analysis): across, the day we said it; up, the
 * ship window we promised then. A date that keeps slipping climbs; a steady promise stays flat.
 * Drawn once on the server for every width: the plot is an SVG stretched to its box (lines and
 * dots keep their thickness), the dates on its axes are text beside it, so they keep their type
 * size on a phone and on a desktop. The list beside it carries the same history for screen readers.
 */
export function SlipChart({ points, today, color }: { points: ChartPoint[]; today: IsoDate; color: string }) {
  const dated = points.filter((p) => p.start && p.end) as { said: IsoDate; start: IsoDate; end: IsoDate }[];
  if (dated.length < 2) return null;
  const firstSaid = points[0]!.said;
  const lastSaid = today > points.at(-1)!.said ? today : points.at(-1)!.said;
  const xSpan = Math.max(1, daysBetween(firstSaid, lastSaid));
  const lows = dated.map((p) => p.start);
  const highs = dated.map((p) => p.end);
  const low = lows.reduce((a, b) => (a < b ? a : b));
  const high = highs.reduce((a, b) => (a > b ? a : b));
  const ySpan = Math.max(1, daysBetween(low, high));
  // Both axes in percent of the plot: the SVG's units and the labels' CSS positions alike.
  const x = (d: IsoDate) => round((daysBetween(firstSaid, d) / xSpan) * 100);
  const y = (d: IsoDate) => round(100 - (daysBetween(low, d) / ySpan) * 100);

  // Each promise holds from the day it was made until the next one (or today).
  const steps = points.map((p, i) => ({ ...p, until: points[i + 1]?.said ?? lastSaid }));
  const band = steps
    .filter((s) => s.start && s.end)
    .map((s) => `M${x(s.said)},${y(s.end!)}H${x(s.until)}V${y(s.start!)}H${x(s.said)}Z`)
    .join("");
  let line = "";
  let drawing = false;
  for (const s of steps) {
    if (!s.end) {
      drawing = false;
      continue;
    }
    line += `${drawing ? "V" : `M${x(s.said)},`}${y(s.end)}H${x(s.until)}`;
    drawing = true;
  }
  // A dot where each promise was made: a zero-length stroke with round ends stays round when the
  // plot is stretched.
  const dots = dated.map((p) => `M${x(p.said)},${y(p.end)}h0`).join("");
  const ticks = [low, addDays(low, Math.round(ySpan / 2)), high].filter((d, i, all) => all.indexOf(d) === i);
  // Across: the first day, each day the date changed, and today, leaving out any too close to the
  // one before to read on a phone (the last one, today, always stays).
  const saidTicks: IsoDate[] = [];
  for (const d of [...new Set([...points.map((p) => p.said), lastSaid])]) {
    const previous = saidTicks.at(-1);
    if (previous && x(d) - x(previous) < 17) {
      if (d === lastSaid) saidTicks[saidTicks.length - 1] = d;
      continue;
    }
    saidTicks.push(d);
  }
  const label = "absolute text-[11px] leading-none whitespace-nowrap text-stone-600";
  const thin = { vectorEffect: "non-scaling-stroke" } as const;

  return (
    <div className="pt-2 pr-2 pb-6 pl-12" aria-hidden="true">
      <div className="relative h-36 sm:h-60">
        <svg
          viewBox="0 0 100 100"
          preserveAspectRatio="none"
          className="absolute inset-0 h-full w-full overflow-visible"
          focusable="false"
        >
          {ticks.map((d) => (
            <line key={d} x1="0" x2="100" y1={y(d)} y2={y(d)} stroke="#e7e5e4" strokeDasharray="3 3" style={thin} />
          ))}
          <path d={band} fill={color} fillOpacity="0.15" />
          <path d={line} fill="none" stroke={color} strokeWidth="2.5" strokeLinejoin="round" style={thin} />
          <path d={dots} stroke={color} strokeWidth="9" strokeLinecap="round" style={thin} />
          <path d={dots} stroke="#ffffff" strokeWidth="4" strokeLinecap="round" style={thin} />
          <line x1="0" x2="100" y1="100" y2="100" stroke="#a8a29e" style={thin} />
          {saidTicks.map((d) => (
            <line key={d} x1={x(d)} x2={x(d)} y1="100" y2="103" stroke="#a8a29e" style={thin} />
          ))}
        </svg>
        {ticks.map((d) => (
          <span key={d} className={`${label} right-full mr-1.5 -translate-y-1/2`} style={{ top: `${y(d)}%` }}>
            {formatShortDay(d)}
          </span>
        ))}
        {saidTicks.map((d, i) => (
          <span
            key={d}
            className={`${label} top-full mt-2.5 ${i === 0 ? "" : d === lastSaid ? "-translate-x-full" : "-translate-x-1/2"}`}
            style={{ left: `${x(d)}%` }}
          >
            {d === today ? "today" : formatShortDay(d)}
          </span>
        ))}
      </div>
    </div>
  );
}

const round = (n: number) => Math.round(n * 100) / 100;
