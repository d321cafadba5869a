import type { ReactNode } from "react";

/** A form field with its label above it; the label names the control whose id is `htmlFor`. */
export function Field({
  htmlFor,
  label,
  className = "space-y-1",
  children,
}: {
  htmlFor: string;
  label: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={className}>
      <label htmlFor={htmlFor} className="block text-sm font-medium">
        {label}
      </label>
      {children}
    </div>
  );
}
