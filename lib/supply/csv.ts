import { parse as parseCsv } from "csv-parse/sync";
import type { Actor } from "../audit/actor";
import type { DbOrTx } from "../db/client";
import { transaction } from "../db/transaction";
import { isDomainError } from "../errors";
import { purchaseOrderUpsertSchema, stockLevelsSchema, type PurchaseOrderUpsert } from "../ingest/schemas";
import { upsertPurchaseOrder } from "./purchase-orders";
import { setStockLevels } from "./stock";

// A CSV upload of purchase orders and stock, for shops without an API (the support console). One
// file, one transaction: every row is checked first (errors by row and column, as a spreadsheet
// numbers them: the header is row 1), then the same domain functions as the API apply it. A
// preview runs it all and rolls back, so it shows exactly what applying would change; any error
// changes nothing.
//
//   kind,reference,supplier,expected_date,sku,quantity,note
//   po,PO-7,Acme Outdoor,2026-12-20,NW-HL400,40,Second container
//   po,PO-7,Acme Outdoor,2026-12-20,NW-TENT-2P,10,
//   stock,,,,NW-HL400,12,
//
// A `po` row is a line of the PO `reference` (created, or updated to exactly the lines given); a
// `stock` row sets a SKU's units on hand to `quantity`.

export const csvColumns = ["kind", "reference", "supplier", "expected_date", "sku", "quantity", "note"] as const;
type Column = (typeof csvColumns)[number];

export type CsvError = { row: number; column: Column | null; message: string };
export type CsvChange = { rows: number[]; summary: string };
export type CsvOutcome = { ok: true; applied: boolean; changes: CsvChange[] } | { ok: false; errors: CsvError[] };

/** Larger files are for the API. */
export const csvMaxBytes = 1_000_000;
const maxRows = 5000;

type PoGroup = { rows: number[]; input: PurchaseOrderUpsert };
type StockRow = { row: number; sku: string; onHand: number };
type Plan = { pos: PoGroup[]; stock: StockRow[] };

const apiFieldColumn: Record<string, Column> = {
  reference: "reference",
  supplier: "supplier",
  expectedDate: "expected_date",
  note: "note",
  sku: "sku",
  quantity: "quantity",
  onHand: "quantity",
};

/** Reads and checks the file without touching the database. */
export function planCsv(text: string): { ok: true; plan: Plan } | { ok: false; errors: CsvError[] } {
  if (Buffer.byteLength(text) > csvMaxBytes)
    return { ok: false, errors: [{ row: 1, column: null, message: "The file is larger than 1 MB; use the API." }] };
  let records: string[][];
  try {
    records = parseCsv(text.replace(/^\uFEFF/, ""), { skip_empty_lines: true, trim: true, relax_column_count: true });
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return {
      ok: false,
      errors: [{ row: line, column: null, message: `The file is not valid CSV: ${(error as Error).message}` }],
    };
  }
  const [header, ...body] = records;
  if (!header) return { ok: false, errors: [{ row: 1, column: null, message: "The file is empty." }] };
  const names = header.map((h) => h.toLowerCase());
  const missing = csvColumns.filter((c) => c !== "note" && !names.includes(c));
  const unknown = names.filter((n) => !(csvColumns as readonly string[]).includes(n));
  if (missing.length > 0 || unknown.length > 0)
    return {
      ok: false,
      errors: [
        ...missing.map((c) => ({ row: 1, column: c, message: `The header has no ${c} column.` })),
        ...unknown.map((n) => ({ row: 1, column: null, message: `The header has a column we do not know: ${n}.` })),
      ],
    };
  if (body.length === 0) return { ok: false, errors: [{ row: 2, column: null, message: "The file has no rows." }] };
  if (body.length > maxRows)
    return {
      ok: false,
      errors: [{ row: maxRows + 2, column: null, message: `At most ${maxRows} rows; use the API.` }],
    };

  const errors: CsvError[] = [];
  const pos = new Map<string, PoGroup>();
  const stock = new Map<string, StockRow>();
  body.forEach((record, i) => {
    const row = i + 2;
    if (record.length > names.length) {
      errors.push({
        row,
        column: null,
        message: `The row has ${record.length} cells; the header has ${names.length}.`,
      });
      return;
    }
    const cell = (c: Column) => record[names.indexOf(c)] ?? "";
    const need = (c: Column) => {
      if (cell(c) === "") errors.push({ row, column: c, message: "must not be empty" });
      return cell(c);
    };
    const count = (min: number) => {
      const raw = need("quantity");
      if (raw === "") return null;
      if (!/^\d+$/.test(raw) || Number(raw) < min) {
        errors.push({ row, column: "quantity", message: `must be a whole number of at least ${min}` });
        return null;
      }
      return Number(raw);
    };
    const kind = cell("kind").toLowerCase();
    if (kind === "stock") {
      const sku = need("sku");
      const onHand = count(0);
      for (const c of ["reference", "supplier", "expected_date"] as const)
        if (cell(c) !== "") errors.push({ row, column: c, message: "must be empty on a stock row" });
      if (sku && stock.has(sku))
        errors.push({ row, column: "sku", message: `${sku} is already set on row ${stock.get(sku)!.row}` });
      else if (sku && onHand !== null) stock.set(sku, { row, sku, onHand });
    } else if (kind === "po") {
      const reference = need("reference");
      const supplier = need("supplier");
      const expectedDate = need("expected_date");
      const sku = need("sku");
      const quantity = count(1);
      const note = cell("note");
      if (!reference || !supplier || !expectedDate || !sku || quantity === null) return;
      const group = pos.get(reference);
      if (!group) {
        pos.set(reference, {
          rows: [row],
          input: { reference, supplier, expectedDate, ...(note ? { note } : {}), lines: [{ sku, quantity }] },
        });
        return;
      }
      const first = group.rows[0];
      if (group.input.supplier !== supplier)
        errors.push({ row, column: "supplier", message: `differs from row ${first} of ${reference}` });
      else if (group.input.expectedDate !== expectedDate)
        errors.push({ row, column: "expected_date", message: `differs from row ${first} of ${reference}` });
      else if (note && group.input.note && note !== group.input.note)
        errors.push({ row, column: "note", message: `differs from row ${first} of ${reference}` });
      else if (group.input.lines.some((l) => l.sku === sku))
        errors.push({ row, column: "sku", message: `${sku} is already a line of ${reference}` });
      else {
        group.rows.push(row);
        group.input.lines.push({ sku, quantity });
        if (note) group.input.note = note;
      }
    } else {
      errors.push({ row, column: "kind", message: "must be po or stock" });
    }
  });

  // The API's own checks of each value (lengths, dates, characters), named by row and column.
  for (const group of pos.values()) {
    const parsed = purchaseOrderUpsertSchema.safeParse(group.input);
    if (!parsed.success)
      for (const issue of parsed.error.issues) errors.push(issueError(issue.path, issue.message, group.rows));
  }
  const levels = [...stock.values()];
  if (levels.length > 0) {
    const parsed = stockLevelsSchema.safeParse({ levels: levels.map((l) => ({ sku: l.sku, onHand: l.onHand })) });
    if (!parsed.success)
      for (const issue of parsed.error.issues)
        errors.push(
          issueError(
            issue.path,
            issue.message,
            levels.map((l) => l.row),
          ),
        );
  }
  if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => a.row - b.row) };
  return { ok: true, plan: { pos: [...pos.values()], stock: levels } };
}

/** An error at `lines[2].sku` (or `levels[2].onHand`) is that line's row; one at `expectedDate`, the group's first. */
function issueError(path: readonly PropertyKey[], message: string, rows: number[]): CsvError {
  const index = typeof path[1] === "number" && (path[0] === "lines" || path[0] === "levels") ? path[1] : null;
  const field = String(path[path.length - 1] ?? "");
  const row = (index !== null ? rows[index] : undefined) ?? rows[0]!;
  return { row, column: apiFieldColumn[field] ?? null, message };
}

class Preview extends Error {}

/**
 * Checks the file, then applies it in one transaction through upsertPurchaseOrder and
 * setStockLevels; `apply: false` rolls back at the end (the preview). A domain error (an unknown
 * SKU, a PO already received) is named by row and column and changes nothing.
 */
export async function uploadCsv(
  db: DbOrTx,
  params: { merchantId: string; text: string; apply: boolean; actor: Actor; now: Date },
): Promise<CsvOutcome> {
  const planned = planCsv(params.text);
  if (!planned.ok) return planned;
  const { pos, stock } = planned.plan;
  const changes: CsvChange[] = [];
  const ctx = { merchantId: params.merchantId, actor: params.actor, now: params.now };
  let current: number[] = [];
  try {
    await transaction(db, async (tx) => {
      changes.length = 0;
      for (const group of pos) {
        current = group.rows;
        const result = await upsertPurchaseOrder(tx, { ...ctx, input: group.input });
        changes.push({
          rows: group.rows,
          summary: `${group.input.reference}: ${result.created ? "created" : "updated"} with ${plural(group.input.lines.length, "line")}, due ${group.input.expectedDate}; ${plural(result.etaChanges, "order line")} re-dated`,
        });
      }
      if (stock.length > 0) {
        current = stock.map((s) => s.row);
        const result = await setStockLevels(tx, {
          ...ctx,
          input: { levels: stock.map((s) => ({ sku: s.sku, onHand: s.onHand })) },
        });
        changes.push({
          rows: current,
          summary: `Stock on hand set for ${plural(result.updated, "SKU")}; ${plural(result.etaChanges, "order line")} re-dated`,
        });
      }
      if (!params.apply) throw new Preview();
    });
  } catch (error) {
    if (error instanceof Preview) return { ok: true, applied: false, changes };
    if (isDomainError(error)) {
      const path = (error.field ?? "")
        .split(/[.[\]]+/)
        .filter(Boolean)
        .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
      return { ok: false, errors: [issueError(path, error.message, current)] };
    }
    throw error;
  }
  return { ok: true, applied: true, changes };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
