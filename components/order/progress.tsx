import type { LineView } from "@/lib/orders/view";
import { isWaiting } from "@/lib/orders/line-status";

type Step = { label: string; state: "done" | "current" | "ahead" };

/**
 * Where a line is: ordered → waiting for stock (only if it ever waited) → ready → shipped →
 * delivered. The current step is marked for screen readers too (aria-current).
 */
export function lineSteps(line: Pick<LineView, "status" | "etaEvents" | "shipments">): Step[] | null {
  if (line.status === "cancelled" || line.status === "swapped") return null;
  const waited = isWaiting(line.status) || line.etaEvents.some((e) => e.newBasis !== "stock");
  const labels = [
    "Ordered",
    ...(waited ? [line.status === "preorder" ? "Waiting for release" : "Waiting for stock"] : []),
    "Ready to ship",
    "Shipped",
    "Delivered",
  ];
  // Delivered once every parcel of it is (a line still waiting for some units is not).
  const delivered =
    line.status === "shipped" && line.shipments.length > 0 && line.shipments.every((s) => s.deliveredAt);
  const current = isWaiting(line.status)
    ? labels.indexOf(line.status === "preorder" ? "Waiting for release" : "Waiting for stock")
    : labels.indexOf(line.status === "ready" ? "Ready to ship" : delivered ? "Delivered" : "Shipped");
  return labels.map((label, i) => ({ label, state: i < current ? "done" : i === current ? "current" : "ahead" }));
}

export function Progress({
  line,
  accent,
}: {
  line: Pick<LineView, "id" | "status" | "etaEvents" | "shipments">;
  accent: string;
}) {
  const steps = lineSteps(line);
  if (!steps) return null;
  return (
    <ol
      aria-label="Progress"
      className="flex text-xs text-stone-700"
      style={{ "--step": accent } as React.CSSProperties}
    >
      {steps.map((step) => (
        <li
          key={step.label}
          aria-current={step.state === "current" ? "step" : undefined}
          className="relative flex flex-1 flex-col items-center gap-1 text-center before:absolute before:top-1.5 before:right-1/2 before:h-0.5 before:w-full before:bg-stone-300 first:before:hidden data-[reached]:before:bg-[var(--step)]"
          data-reached={step.state !== "ahead" ? "" : undefined}
        >
          <span
            aria-hidden="true"
            className={`relative size-3.5 rounded-full border-2 ${
              step.state === "ahead" ? "border-stone-400 bg-white" : "border-[var(--step)] bg-[var(--step)]"
            } ${step.state === "current" ? "ring-4 ring-stone-200" : ""}`}
          />
          <span className={step.state === "current" ? "font-semibold text-stone-900" : ""}>
            {step.label}
            {step.state === "done" ? <span className="sr-only"> (done)</span> : null}
          </span>
        </li>
      ))}
    </ol>
  );
}
