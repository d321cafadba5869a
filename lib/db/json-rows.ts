import { getTableColumns, type InferSelectModel, type Table } from "drizzle-orm";

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * A row that PostgreSQL turned into JSON (`to_json(t)`: snake_case keys, timestamps as strings)
 * read back as drizzle would have returned it, so one aggregated query can replace several.
 */
export function fromJsonRow<T extends Table>(table: T, json: Record<string, unknown>): InferSelectModel<T> {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const raw = json[snake(key)];
    row[key] = raw === null || raw === undefined ? null : column.dataType === "date" ? new Date(raw as string) : raw;
  }
  return row as InferSelectModel<T>;
}
