import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import { parse } from "csv-parse/sync";
import iconv from "iconv-lite";
import { type FieldsIn, UnsupportedMediaType, ValidationError } from "../errors.ts";
import { type FieldIssue, fieldIssue } from "../http/field-codes.ts";

/** CSV uploads are refused above this row count (and size: http/csv-limit.ts). */
export const CSV_MAX_ROWS = 50_000;

const GB = new Set(["gb18030", "gbk", "gb2312"]);

/**
 * Decode an upload as spreadsheets save it (Excel or WPS on Chinese Windows):
 * - a charset in the Content-Type wins (UTF-8, or GB18030/GBK/GB2312), and bytes not
 *   valid in it are refused;
 * - without one, UTF-8 (a BOM is fine) when the bytes are valid UTF-8, else GB18030
 *   when they decode as GB18030 without a replacement character, else refused.
 * A file is never stored garbled: undecodable bytes are a 400 naming `file`.
 */
export function decodeCsv(bytes: Uint8Array, contentType: string | undefined): string {
  const type = (contentType ?? "").toLowerCase();
  if (!/^(text\/csv|application\/csv|text\/plain)\b/.test(type)) {
    throw new UnsupportedMediaType("Send the file as text/csv.");
  }
  const charset = /charset="?([\w-]+)"?/.exec(type)?.[1];
  if (charset && !GB.has(charset) && charset !== "utf-8" && charset !== "utf8") {
    throw new ValidationError({
      file: fieldIssue("file_charset", `charset ${charset} is not supported; use UTF-8 or GB18030`, { charset }),
    });
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    throw new ValidationError({ file: fieldIssue("file_utf16", "is UTF-16; save it as CSV UTF-8") });
  if (charset && GB.has(charset)) return decodeGb(bytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    if (charset) throw new ValidationError({ file: fieldIssue("file_not_utf8", "is not valid UTF-8 as its charset says") });
  }
  return decodeGb(bytes);
}

/** GB18030 bytes as text; a byte sequence GB18030 does not define refuses the file. */
function decodeGb(bytes: Uint8Array): string {
  const text = iconv.decode(Buffer.from(bytes), "gb18030");
  if (text.includes("\ufffd"))
    throw new ValidationError({
      file: fieldIssue("file_not_utf8", "is neither UTF-8 nor GB18030 text; save it as CSV UTF-8 or CSV (GB18030)"),
    });
  return text;
}

export function fileHash(text: string): string {
  const normalised = text
    .replace(/^\ufeff/, "")
    .replace(/\r\n?/g, "\n")
    .trimEnd();
  return encodeHexLowerCase(sha256(new TextEncoder().encode(normalised)));
}

export interface CsvRow {
  /** the line in the file where the record starts (the header is line 1) */
  line: number;
  values: Record<string, string>;
}

export interface CsvColumns {
  required: string[];
  optional: string[];
  /** other headers a column is known by (Chinese headers as clubs write them) → the column */
  aliases?: Readonly<Record<string, string>>;
  /**
   * Headers read past: what the app's own exports add that an import does not take
   * (ids, derived figures), so an exported file imports as it is.
   */
  ignored?: readonly string[];
}

/**
 * Parse with a header row; refuse unknown, repeated or missing columns and malformed
 * quoting with the line number. A header may be the column's name or one of its aliases;
 * rows come back keyed by the column's name.
 */
export function readCsv(text: string, columns: CsvColumns): CsvRow[] {
  const known = new Set([...columns.required, ...columns.optional]);
  const aliases = columns.aliases ?? {};
  const canonical = (h: string) => (known.has(h) ? h : (aliases[h] ?? h));
  let header: string[] = [];
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      columns: (head: string[]) => {
        header = head.map((h) => h.replace(/^\ufeff/, "").trim());
        return header.map(canonical);
      },
      skip_empty_lines: true,
      trim: true,
      info: true,
      max_record_size: 100_000,
    }) as { record: Record<string, string>; info: { lines: number } }[];
  } catch (err) {
    const e = err as { lines?: number; message?: string };
    throw new ValidationError(
      {
        [`line ${e.lines ?? "?"}`]: fieldIssue("invalid_format", (e.message ?? "cannot be read").replace(/^Invalid /, "invalid "), {
          format: "csv",
        }),
      },
      "The file is not valid CSV.",
    );
  }
  const fields: FieldsIn = {};
  const seen = new Set<string>();
  const accepted = [...known, ...Object.keys(aliases)];
  const ignored = new Set(columns.ignored ?? []);
  for (const h of header) {
    if (!h || ignored.has(h)) continue;
    const name = canonical(h);
    if (!known.has(name))
      fields[`column ${h}`] = fieldIssue("column_unknown", `is not a known column (${accepted.join(", ")})`, { values: accepted });
    else if (seen.has(name)) fields[`column ${h}`] = fieldIssue("repeated", `repeats column ${name}`, { column: name });
    seen.add(name);
  }
  for (const r of columns.required) if (!seen.has(r)) fields[`column ${r}`] = fieldIssue("column_missing", "is required");
  if (Object.keys(fields).length > 0) throw new ValidationError(fields, "The file's header row is wrong.");
  if (records.length === 0) throw new ValidationError({ file: fieldIssue("file_empty", "has no rows") });
  if (records.length > CSV_MAX_ROWS)
    throw new ValidationError({
      file: fieldIssue("file_too_many_rows", `has ${records.length} rows; the limit is ${CSV_MAX_ROWS}`, {
        rows: records.length,
        max: CSV_MAX_ROWS,
      }),
    });
  return records.map((r) => ({ line: r.info.lines, values: r.record }));
}

/**
 * Collects every bad row (one problem per row and column, the first found); throws one
 * 400 naming each by line number and column — all of them, so the count the message
 * states is the number of entries listed. Nothing is stored.
 */
export class RowErrors {
  private fields: FieldsIn = {};
  private count = 0;
  add(line: number, column: string, message: FieldIssue | string) {
    const key = `line ${line}.${column}`;
    if (key in this.fields) return;
    this.fields[key] = message;
    this.count++;
  }
  has(line: number, column: string) {
    return `line ${line}.${column}` in this.fields;
  }
  get size() {
    return this.count;
  }
  throwIfAny() {
    if (this.count === 0) return;
    throw new ValidationError(
      this.fields,
      `The file was not imported: ${this.count} problem${this.count === 1 ? "" : "s"} found. Fix them and send the whole file again.`,
    );
  }
}
