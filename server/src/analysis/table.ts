import { z } from "zod";
import { type CursorPart, cursorPart, decodeCursor, encodeCursor } from "../http/paging.ts";

/** An amount in fen as a cursor part (a month's net spend can dip below zero). */
const fenPart = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);

/**
 * Paging and sorting of an analysis table on the server. The month's rows are computed
 * once (and cached, see routes.ts); a page is cut from them here, so the browser never
 * holds a club's 30,000 customers to sort them itself.
 *
 * Every order is total: a sort key, then the tier rank (spend high to low, then name,
 * then id — regulation/tiers.ts) as the tie-break, and `dir` reverses the whole order. A
 * cursor is the last row's key (keyset), so a page starts after that row even when
 * rows before it moved; `page` (1-based) jumps straight to a page of `limit` rows.
 */
export interface RankedRow {
  customerId: string;
  name: string;
  spendFen: number;
  /** 1-based position in the tier ranking */
  rank: number;
}

/** How one table is ordered: the cursor's kinds and a row's key in them. */
export interface Order<R> {
  parts: readonly CursorPart[];
  key: (row: R) => (string | number)[];
  /** ascending comparison of two keys */
  compare: (a: (string | number)[], b: (string | number)[]) => number;
}

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/** The tier ranking itself (spend high to low, name, id): spend, share and tier sort this way. */
export function rankOrder<R extends RankedRow>(): Order<R> {
  return {
    parts: [fenPart, cursorPart.text, cursorPart.uuid],
    key: (r) => [r.spendFen, r.name, r.customerId],
    // higher spend first, then name, then id: exactly regulation/tiers.ts's bySpendThenName
    compare: (a, b) => cmp(b[0]!, a[0]!) || cmp(a[1]!, b[1]!) || cmp(a[2]!, b[2]!),
  };
}

/** By name, ties in tier-rank order. */
export function nameOrder<R extends RankedRow>(): Order<R> {
  return {
    parts: [cursorPart.text, fenPart, cursorPart.uuid],
    key: (r) => [r.name, r.spendFen, r.customerId],
    compare: (a, b) => cmp(a[0]!, b[0]!) || cmp(b[1]!, a[1]!) || cmp(a[2]!, b[2]!),
  };
}

/** By a number (e.g. the gap to expected spend), ties in tier-rank order. */
export function numberOrder<R extends RankedRow>(value: (r: R) => number): Order<R> {
  return {
    parts: [fenPart, fenPart, cursorPart.text, cursorPart.uuid],
    key: (r) => [value(r), r.spendFen, r.name, r.customerId],
    compare: (a, b) => cmp(a[0]!, b[0]!) || cmp(b[1]!, a[1]!) || cmp(a[2]!, b[2]!) || cmp(a[3]!, b[3]!),
  };
}

export interface PageRequest {
  limit: number;
  dir: "asc" | "desc";
  cursor?: string | undefined;
  page?: number | undefined;
}

export interface PageOf<R> {
  items: R[];
  /** rows matching the filters (all pages) */
  total: number;
  limit: number;
  /** the 1-based page these rows are, when the request named a page or no cursor */
  page: number | null;
  pages: number;
  nextCursor: string | null;
}

const sortedCache = new WeakMap<object, Map<string, unknown[]>>();

/**
 * `rows` sorted by `order` and `dir`, memoised per rows array: the cached month answer
 * is one array, sorted once per order however many pages are read from it.
 */
export function sortedBy<R extends object>(
  rows: readonly R[],
  id: string,
  order: Order<R>,
  dir: "asc" | "desc",
  /** `rows` already run in this order ascending (the tier ranking does): no sort needed */
  inOrder = false,
): R[] {
  let byOrder = sortedCache.get(rows);
  if (!byOrder) {
    byOrder = new Map();
    sortedCache.set(rows, byOrder);
  }
  const k = `${id}|${dir}`;
  const hit = byOrder.get(k);
  if (hit) return hit as R[];
  if (inOrder) {
    const out = dir === "asc" ? [...rows] : [...rows].reverse();
    byOrder.set(k, out);
    return out;
  }
  const keyed = rows.map((r) => ({ r, k: order.key(r) }));
  const sign = dir === "asc" ? 1 : -1;
  keyed.sort((a, b) => sign * order.compare(a.k, b.k));
  const out = keyed.map((x) => x.r);
  byOrder.set(k, out);
  return out;
}

/** One page of `sorted` (already filtered and ordered by `order` and `dir`). */
export function pageOf<R>(sorted: readonly R[], order: Order<R>, req: PageRequest): PageOf<R> {
  const sign = req.dir === "asc" ? 1 : -1;
  let start = 0;
  if (req.cursor !== undefined) {
    const after = decodeCursor(req.cursor, order.parts) as (string | number)[];
    // the first row strictly after the cursor's key (binary search: the rows are sorted)
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sign * order.compare(order.key(sorted[mid]!), after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  } else if (req.page !== undefined) start = (req.page - 1) * req.limit;
  const items = sorted.slice(start, start + req.limit);
  const last = items[items.length - 1];
  const more = start + req.limit < sorted.length;
  return {
    items,
    total: sorted.length,
    limit: req.limit,
    page: start % req.limit === 0 ? start / req.limit + 1 : null,
    pages: Math.max(1, Math.ceil(sorted.length / req.limit)),
    nextCursor: more && last !== undefined ? encodeCursor(order.key(last)) : null,
  };
}

/** A name filter as the customer list's `q` reads it: every word somewhere in the name, case-insensitive. */
export function nameMatches(q: string | undefined): (name: string) => boolean {
  if (!q) return () => true;
  // toLowerCase, as the customer list's search does (and far cheaper than the locale-aware form over 30,000 names)
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  return (name) => {
    const n = name.toLowerCase();
    return words.every((w) => n.includes(w));
  };
}
