/** A wide table on a narrow screen scrolls sideways; keyboard users can focus it to scroll too. */
export function ScrollRegion({
  label,
  className = "",
  children,
}: {
  label: string;
  className?: string;
  children: React.ReactNode;
}) {
  return (
    <div
      role="region"
      aria-label={label}
      tabIndex={0}
      className={`overflow-x-auto rounded-xl border border-stone-200 bg-white ${className}`}
    >
      {children}
    </div>
  );
}
