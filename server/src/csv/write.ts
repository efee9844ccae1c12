import { stringify } from "csv-stringify/sync";

/**
 * The one way the app writes CSV. Every column is typed:
 *
 * - a `text` column is anything a person may have typed. A cell that begins with `=`,
 *   `+`, `-`, `@`, a tab or a carriage return would be run as a formula by Excel, WPS
 *   or LibreOffice, so it is written with a leading `'` (OWASP's advice on CSV
 *   injection); the spreadsheet shows the text as typed.
 * - a `number` column holds a finite number written by the server (a negative amount
 *   stays a number: `-12.50`, not `'-12.50`), with a fixed count of decimals when given.
 *
 * Quoting (commas, quotes, line breaks) is csv-stringify's. The file starts with a BOM
 * so that spreadsheets open Chinese text as UTF-8.
 */
export type CsvColumn<R> =
  | { name: string; type: "text"; value: (row: R) => string | null | undefined }
  | { name: string; type: "number"; value: (row: R) => number | null | undefined; decimals?: number };

/** A text column. */
export const textColumn = <R>(name: string, value: (row: R) => string | null | undefined): CsvColumn<R> => ({ name, type: "text", value });
/** A number column, `decimals` fixed when given. */
export const numberColumn = <R>(name: string, value: (row: R) => number | null | undefined, decimals?: number): CsvColumn<R> =>
  decimals === undefined ? { name, type: "number", value } : { name, type: "number", value, decimals };

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell as it is safe to write: prefixed with `'` when a spreadsheet would read it as a formula. */
export function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function numberCell(n: number, decimals: number | undefined, column: string): string {
  if (typeof n !== "number" || !Number.isFinite(n)) throw new Error(`CSV column ${column}: ${String(n)} is not a finite number`);
  return decimals === undefined ? String(n) : n.toFixed(decimals);
}

/** One cell of `row` in `column`, as written ("" for null or undefined). */
export function csvCell<R>(column: CsvColumn<R>, row: R): string {
  if (column.type === "number") {
    const n = column.value(row);
    return n === null || n === undefined ? "" : numberCell(n, column.decimals, column.name);
  }
  const text = column.value(row);
  return text === null || text === undefined ? "" : neutralise(String(text));
}

/** The CSV file of `rows` in `columns`: a BOM, a header row, one line per row. */
export function writeCsv<R>(columns: readonly CsvColumn<R>[], rows: Iterable<R>): string {
  const records: string[][] = [];
  for (const row of rows) records.push(columns.map((col) => csvCell(col, row)));
  const header = columns.map((col) => neutralise(col.name));
  return `\ufeff${stringify(records, { header: true, columns: header })}`;
}
