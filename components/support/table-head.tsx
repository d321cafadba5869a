/**
 * A console table's header row: one heading per column, then, with `actions`, a column for the
 * row's buttons that only screen readers name.
 */
export function TableHead({ columns, actions = false }: { columns: React.ReactNode[]; actions?: boolean }) {
  return (
    <thead className="bg-stone-50">
      <tr>
        {columns.map((column, i) => (
          <th key={i} scope="col" className="px-3 py-2">
            {column}
          </th>
        ))}
        {actions ? (
          <th scope="col" className="px-3 py-2">
            <span className="sr-only">Actions</span>
          </th>
        ) : null}
      </tr>
    </thead>
  );
}
