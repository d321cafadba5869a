import { addDays, daysBetween, formatShortDay, type IsoDate } from "@/lib/dates";

export type ChartPoint = { said: IsoDate; start: IsoDate | null; end: IsoDate | null };

/**
 * The ETA history as a slip chart (milestone trend analysis): across, the day we said it; up, the
 * ship window we promised then. A date that keeps slipping climbs; a steady promise stays flat.
 * Drawn on the server as SVG; the list beside it carries the same history for screen readers.
 */
export function SlipChart({
  points,
  today,
  color,
  width = 480,
}: {
  points: ChartPoint[];
  today: IsoDate;
  color: string;
  /** Drawn at its size (a phone gets a narrower one), so the dates on its axes keep their type size. */
  width?: number;
}) {
  const dated = points.filter((p) => p.start && p.end) as { said: IsoDate; start: IsoDate; end: IsoDate }[];
  if (dated.length < 2) return null;
  const height = Math.round(width * 0.46);
  const pad = { left: 56, right: 24, top: 14, bottom: 30 };
  const firstSaid = points[0]!.said;
  const lastSaid = today > points.at(-1)!.said ? today : points.at(-1)!.said;
  const xSpan = Math.max(1, daysBetween(firstSaid, lastSaid));
  const lows = dated.map((p) => p.start);
  const highs = dated.map((p) => p.end);
  const low = lows.reduce((a, b) => (a < b ? a : b));
  const high = highs.reduce((a, b) => (a > b ? a : b));
  const ySpan = Math.max(1, daysBetween(low, high));
  const x = (d: IsoDate) => pad.left + (daysBetween(firstSaid, d) / xSpan) * (width - pad.left - pad.right);
  const y = (d: IsoDate) => height - pad.bottom - (daysBetween(low, d) / ySpan) * (height - pad.top - pad.bottom);

  // Each promise holds from the day it was made until the next one (or today).
  const steps = points.map((p, i) => ({ ...p, until: points[i + 1]?.said ?? lastSaid }));
  const band = steps
    .filter((s) => s.start && s.end)
    .map((s) => `M${x(s.said)},${y(s.end!)} H${x(s.until)} V${y(s.start!)} H${x(s.said)} Z`)
    .join(" ");
  let line = "";
  let drawing = false;
  for (const s of steps) {
    if (!s.end) {
      drawing = false;
      continue;
    }
    line += `${drawing ? "V" : "M" + x(s.said) + ","}${y(s.end)} H${x(s.until)} `;
    drawing = true;
  }
  const ticks = [low, addDays(low, Math.round(ySpan / 2)), high].filter((d, i, all) => all.indexOf(d) === i);
  // Across: the first day, each day the date changed, and today, leaving out any too close to the
  // one before to read (the last one, today, always stays).
  const saidTicks: IsoDate[] = [];
  for (const d of [...new Set([...points.map((p) => p.said), lastSaid])]) {
    const previous = saidTicks.at(-1);
    if (previous && x(d) - x(previous) < 44) {
      if (d === lastSaid) saidTicks[saidTicks.length - 1] = d;
      continue;
    }
    saidTicks.push(d);
  }

  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      className="h-auto w-full"
      style={{ maxWidth: width }}
      aria-hidden="true"
      focusable="false"
    >
      {ticks.map((d) => (
        <g key={d}>
          <line x1={pad.left} x2={width - pad.right} y1={y(d)} y2={y(d)} stroke="#e7e5e4" strokeDasharray="3 3" />
          <text x={pad.left - 6} y={y(d) + 4} textAnchor="end" fontSize="11" fill="#57534e">
            {formatShortDay(d)}
          </text>
        </g>
      ))}
      <path d={band} fill={color} fillOpacity="0.15" />
      <path d={line} fill="none" stroke={color} strokeWidth="2.5" strokeLinejoin="round" />
      {dated.map((p) => (
        <circle
          key={`${p.said}-${p.end}`}
          cx={x(p.said)}
          cy={y(p.end)}
          r="3.5"
          fill="#ffffff"
          stroke={color}
          strokeWidth="2"
        />
      ))}
      <line x1={pad.left} x2={width - pad.right} y1={height - pad.bottom} y2={height - pad.bottom} stroke="#a8a29e" />
      {saidTicks.map((d, i) => (
        <g key={d}>
          <line x1={x(d)} x2={x(d)} y1={height - pad.bottom} y2={height - pad.bottom + 4} stroke="#a8a29e" />
          <text
            x={x(d)}
            y={height - 10}
            fontSize="11"
            fill="#57534e"
            textAnchor={i === 0 ? "start" : d === lastSaid ? "end" : "middle"}
          >
            {d === today ? "today" : formatShortDay(d)}
          </text>
        </g>
      ))}
    </svg>
  );
}
