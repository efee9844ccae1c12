import { z } from "zod";
import { ValidationError } from "../errors.ts";
import { fieldIssue } from "./field-codes.ts";

/**
 * Every list pages: `limit` (1–200, default 50) and an opaque `cursor` from the previous page.
 * A cursor is at most a few hundred characters; the bound leaves room for a long name in CJK.
 */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50).meta({ description: "Items per page, 1–200 (default 50)" }),
  cursor: z.string().max(2000).optional().meta({ description: "The `nextCursor` of the previous page" }),
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An instant as the server writes it (Date#toISOString), or with an offset: years 0001–9999 only. */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEK = /^(\d{4})-W(\d{2})$/;

function isCalendarDay(y: number, m: number, d: number): boolean {
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d); // not Date.UTC, which reads years 0–99 as 1900–1999
  return y >= 1 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * The kinds of value a cursor's parts may hold. Each list says which kinds its cursor
 * has, in order; a cursor whose parts are not of those kinds (forged, or from another
 * list) is refused before any of it reaches a query.
 */
export const cursorPart = {
  /** a timestamp: a valid ISO instant within years 1–9999 */
  instant: z.string().refine((s) => {
    const m = INSTANT.exec(s);
    if (!m) return false;
    const [, y, mo, d, h, mi, se] = m.map(Number) as number[];
    return isCalendarDay(y!, mo!, d!) && h! < 24 && mi! < 60 && se! < 60 && Number.isFinite(Date.parse(s));
  }),
  /** a club day, YYYY-MM-DD */
  day: z.string().refine((s) => {
    const m = DAY.exec(s);
    return m !== null && isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]));
  }),
  /** an ISO week, YYYY-Www */
  week: z.string().refine((s) => {
    const m = WEEK.exec(s);
    return m !== null && Number(m[1]) >= 1 && Number(m[2]) >= 1 && Number(m[2]) <= 53;
  }),
  uuid: z.string().regex(UUID),
  /** a name or other text the list is ordered by */
  text: z
    .string()
    .max(500)
    .refine((s) => !s.includes("\u0000")),
  /** a position in a list: a non-negative safe integer */
  offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
} as const;

export type CursorPart = (typeof cursorPart)[keyof typeof cursorPart];
type Part = CursorPart;
type Parts<S extends readonly Part[]> = { [K in keyof S]: z.output<S[K]> };

export function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

/**
 * The parts of a cursor this server gave out for a list whose cursor holds `schema`'s
 * kinds, in order; anything else (not base64url JSON, another length, a part of another
 * kind or out of range) is a 400 naming `cursor`.
 */
export function decodeCursor<const S extends readonly Part[]>(cursor: string | undefined, schema: S): Parts<S> | undefined {
  if (cursor === undefined) return undefined;
  let parts: unknown;
  try {
    if (!/^[A-Za-z0-9_-]*$/.test(cursor)) throw new Error("not base64url");
    parts = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parts = undefined;
  }
  if (Array.isArray(parts) && parts.length === schema.length) {
    const parsed = z.tuple(schema as unknown as [Part, ...Part[]]).safeParse(parts);
    if (parsed.success) return parsed.data as Parts<S>;
  }
  throw new ValidationError({ cursor: fieldIssue("cursor", "is not a cursor this server gave out") });
}

/**
 * A page of a list read with `limit + 1` rows (the extra one only says whether there
 * is a next page): the first `limit` rows, presented, and the cursor after the last
 * of them (`key` gives an item's place in the list's order).
 */
export function page<R, T>(rows: readonly R[], limit: number, present: (row: R) => T, key: (item: T) => (string | number)[]) {
  const items = rows.slice(0, limit).map(present);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(key(last)) : null };
}

/**
 * Pages a report computed in memory (bounded by the club's reps × periods) with the
 * same `limit`/`cursor` contract as the SQL lists: rows in `key` order, strictly after the cursor.
 */
export function pageRows<T>(
  rows: T[],
  q: { limit: number; cursor?: string | undefined },
  parts: readonly CursorPart[],
  key: (row: T) => string[],
) {
  const cmp = (a: string[], b: string[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] ?? "") < (b[i] ?? "") ? -1 : 1;
    return 0;
  };
  const sorted = [...rows].sort((a, b) => cmp(key(a), key(b)));
  const after = decodeCursor(q.cursor, parts) as string[] | undefined;
  const rest = after ? sorted.filter((r) => cmp(key(r), after) > 0) : sorted;
  return page(rest, q.limit, (r) => r, key);
}
