import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import { parse } from "csv-parse/sync";
import { bodyLimit } from "hono/body-limit";
import iconv from "iconv-lite";
import { AppError, type FieldsIn, ValidationError } from "../http/errors.ts";
import { type FieldIssue, fieldIssue } from "../http/field-codes.ts";

/** CSV uploads are refused above this size and row count. */
export const CSV_BODY_LIMIT = 10 * 1024 * 1024;

export const csvLimit = bodyLimit({
  maxSize: CSV_BODY_LIMIT,
  onError: () => {
    throw new AppError(413, "payload_too_large", `The file is larger than ${CSV_BODY_LIMIT} bytes.`);
  },
});
export const CSV_MAX_ROWS = 50_000;
const MAX_LISTED_ERRORS = 200;

const GB = new Set(["gb18030", "gbk", "gb2312"]);

/**
 * Decode an upload: UTF-8 (a BOM is fine) unless the Content-Type names GB18030/GBK,
 * as spreadsheets saved in Chinese Windows produce. Bytes that are not valid in the
 * named encoding are refused, never guessed at.
 */
export function decodeCsv(bytes: Uint8Array, contentType: string | undefined): string {
  const type = (contentType ?? "").toLowerCase();
  if (!/^(text\/csv|application\/csv|text\/plain)\b/.test(type)) {
    throw new AppError(415, "unsupported_media_type", "Send the file as text/csv.");
  }
  const charset = /charset="?([\w-]+)"?/.exec(type)?.[1] ?? "utf-8";
  if (GB.has(charset)) return iconv.decode(Buffer.from(bytes), "gb18030");
  if (charset !== "utf-8" && charset !== "utf8") {
    throw new ValidationError({
      file: fieldIssue("file_charset", `charset ${charset} is not supported; use UTF-8 or GB18030`, { charset }),
    });
  }
  if (bytes[0] === 0xff || bytes[0] === 0xfe)
    throw new ValidationError({ file: fieldIssue("file_utf16", "is UTF-16; save it as CSV UTF-8") });
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ValidationError({
      file: fieldIssue("file_not_utf8", "is not valid UTF-8; save it as CSV UTF-8, or send it with charset=gb18030"),
    });
  }
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

/** Parse with a header row; refuse unknown or missing columns and malformed quoting with the line number. */
export function readCsv(text: string, columns: { required: string[]; optional: string[] }): CsvRow[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim()),
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
  const header = text.replace(/^\ufeff/, "").split(/\r?\n/, 1)[0] ?? "";
  const names = header.split(",").map((h) => h.trim().replace(/^"|"$/g, ""));
  const known = new Set([...columns.required, ...columns.optional]);
  const fields: FieldsIn = {};
  for (const n of names)
    if (n && !known.has(n))
      fields[`column ${n}`] = fieldIssue("column_unknown", `is not a known column (${[...known].join(", ")})`, { values: [...known] });
  for (const r of columns.required) if (!names.includes(r)) fields[`column ${r}`] = fieldIssue("column_missing", "is required");
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

/** Collects every bad row; throws one 400 naming each by line number and column. Nothing is stored. */
export class RowErrors {
  private fields: FieldsIn = {};
  private count = 0;
  add(line: number, column: string, message: FieldIssue | string) {
    this.count++;
    if (this.count <= MAX_LISTED_ERRORS) this.fields[`line ${line}.${column}`] ??= message;
  }
  get size() {
    return this.count;
  }
  throwIfAny() {
    if (this.count === 0) return;
    const more = this.count > MAX_LISTED_ERRORS ? ` (the first ${MAX_LISTED_ERRORS} are listed)` : "";
    throw new ValidationError(
      this.fields,
      `The file was not imported: ${this.count} problem${this.count === 1 ? "" : "s"} found${more}. Fix them and send the whole file again.`,
    );
  }
}
