/**
 * Board deltas (docs/realtime.md, "Deltas"): what changed between two snapshots of a
 * club's boards, and how a client applies it. Pure and shared: the server diffs with
 * it, the web app applies with it, so both order and rank the lists the same way.
 *
 * A board is a JSON tree. Some paths hold keyed lists (`LISTS`): a delta carries the
 * rows that changed (upserts, by key) and the keys removed; the client re-sorts the
 * list with the list's order and, for ranked lists, numbers the ranks again. So one
 * rep climbing from #400 to #1 sends one row per board, not 400. Anything else is
 * compared by value: a changed leaf is `set` at its dotted path, a vanished one `unset`.
 */
import equal from "fast-deep-equal";

/** The total order of a leaderboard (docs/quotas.md): revenue (highest first), attainment (higher first, none last), name, id. */
export function compareBoardRows(
  a: { revenue: number; attainment: number | null; name: string; repId: string },
  b: { revenue: number; attainment: number | null; name: string; repId: string },
): number {
  return (
    Math.round(b.revenue * 100) - Math.round(a.revenue * 100) ||
    (b.attainment ?? Number.NEGATIVE_INFINITY) - (a.attainment ?? Number.NEGATIVE_INFINITY) ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
    (a.repId < b.repId ? -1 : a.repId > b.repId ? 1 : 0)
  );
}

/** The total order of the team race: revenue (highest first), attainment (higher first, none last), name, id — as compareBoardRows. */
export function compareTeamRows(
  a: { revenue: number; attainment: number | null; name: string; teamId: string },
  b: { revenue: number; attainment: number | null; name: string; teamId: string },
): number {
  return compareBoardRows({ ...a, repId: a.teamId }, { ...b, repId: b.teamId });
}

type Row = Record<string, unknown>;

const byString = (k: string) => (a: Row, b: Row) => {
  const x = String(a[k] ?? "");
  const y = String(b[k] ?? "");
  return x < y ? -1 : x > y ? 1 : 0;
};
const then =
  (...cmps: ((a: Row, b: Row) => number)[]) =>
  (a: Row, b: Row) => {
    for (const c of cmps) {
      const r = c(a, b);
      if (r) return r;
    }
    return 0;
  };

export interface ListSpec {
  /** the field that identifies a row */
  key: string;
  /** the list's order, on server and client alike */
  order: (a: Row, b: Row) => number;
  /** rows carry `rank` = position + 1, numbered again after every change (never sent in a delta) */
  ranked?: boolean;
}

const leaderboard: ListSpec = { key: "repId", order: compareBoardRows as unknown as (a: Row, b: Row) => number, ranked: true };
const teamRace: ListSpec = { key: "teamId", order: compareTeamRows as unknown as (a: Row, b: Row) => number, ranked: true };

/** The keyed lists of the boards, by dotted path. */
export const LISTS: Record<string, ListSpec> = {
  "leaderboard.month": leaderboard,
  "leaderboard.quarter": leaderboard,
  "leaderboard.year": leaderboard,
  "teams.month": teamRace,
  "teams.quarter": teamRace,
  "teams.year": teamRace,
  "quota.reps": { key: "repId", order: then(byString("name"), byString("repId")) },
  // newest first, as GET /alarms lists them
  "alarms.latest": { key: "id", order: (a, b) => then(byString("raisedAt"), byString("id"))(b, a) },
};

export interface BoardDelta {
  /** the version the delta applies to: a client holding another one asks `board:sync` */
  from: number;
  version: number;
  /** changed leaves, by dotted path */
  set?: Record<string, unknown>;
  /** vanished leaves, by dotted path */
  unset?: string[];
  /** keyed lists: rows changed or added (without `rank`), keys removed */
  lists?: Record<string, { upsert?: Row[]; remove?: string[] }>;
}

/** Equal by value (the boards are JSON: plain objects, arrays, strings, numbers, booleans, null). */
const same: (a: unknown, b: unknown) => boolean = equal;

const isObject = (v: unknown): v is Row => typeof v === "object" && v !== null && !Array.isArray(v);

function withoutRank(r: Row): Row {
  if (!("rank" in r)) return r;
  const { rank: _rank, ...rest } = r;
  return rest;
}

/**
 * Whether a row is unchanged, `rank` aside when the list is ranked (a rank follows from
 * the order, so the client renumbers it). Compared by structure: serialising both rows
 * to compare them was a third of a big club's recompute.
 */
function sameRow(a: Row, b: Row, ranked: boolean | undefined): boolean {
  if (!ranked) return same(a, b);
  let n = 0;
  for (const k of Object.keys(a)) {
    if (k === "rank") continue;
    if (!Object.hasOwn(b, k) || !same(a[k], b[k])) return false;
    n++;
  }
  for (const k of Object.keys(b)) if (k !== "rank") n--;
  return n === 0;
}

/** Put a keyed list in its order (and number its ranks), as the server sends it and the client keeps it. */
export function canonicalList(path: string, rows: Row[]): Row[] {
  const spec = LISTS[path];
  if (!spec) return rows;
  const sorted = [...rows].sort(spec.order);
  // a row already at its rank is kept as it is (a diff then passes it by identity)
  return spec.ranked ? sorted.map((r, i) => (r.rank === i + 1 ? r : { ...r, rank: i + 1 })) : sorted;
}

/** Every keyed list of a board in its order: what a snapshot carries. */
export function canonicalBoards<T extends Row>(boards: T): T {
  const out: Row = { ...boards };
  for (const path of Object.keys(LISTS)) {
    const [head, tail] = path.split(".") as [string, string];
    const parent = out[head];
    if (!isObject(parent) || !Array.isArray(parent[tail])) continue;
    out[head] = { ...(out[head] as Row), [tail]: canonicalList(path, parent[tail] as Row[]) };
  }
  return out as T;
}

/** What changed from `prev` to `next` (both whole boards of one audience). Empty parts are left out. */
export function diffBoards(prev: Row, next: Row, from: number, version: number): BoardDelta {
  const set: Record<string, unknown> = {};
  const unset: string[] = [];
  const lists: NonNullable<BoardDelta["lists"]> = {};

  function walk(a: unknown, b: unknown, path: string) {
    const spec = path ? LISTS[path] : undefined;
    if (spec && Array.isArray(a) && Array.isArray(b)) {
      const before = new Map<string, Row>();
      for (const r of a as Row[]) before.set(String(r[spec.key]), r);
      const upsert: Row[] = [];
      const seen = new Set<string>();
      for (const r of b as Row[]) {
        const k = String(r[spec.key]);
        seen.add(k);
        const was = before.get(k);
        if (was === r) continue;
        if (!was || !sameRow(was, r, spec.ranked)) upsert.push(spec.ranked ? withoutRank(r) : r);
      }
      const remove = [...before.keys()].filter((k) => !seen.has(k));
      if (upsert.length || remove.length) lists[path] = { ...(upsert.length ? { upsert } : {}), ...(remove.length ? { remove } : {}) };
      return;
    }
    if (isObject(a) && isObject(b)) {
      for (const k of Object.keys(b)) walk(a[k], b[k], path ? `${path}.${k}` : k);
      for (const k of Object.keys(a)) if (!(k in b)) unset.push(path ? `${path}.${k}` : k);
      return;
    }
    if (!same(a, b)) set[path] = b;
  }
  walk(prev, next, "");
  return {
    from,
    version,
    ...(Object.keys(set).length ? { set } : {}),
    ...(unset.length ? { unset } : {}),
    ...(Object.keys(lists).length ? { lists } : {}),
  };
}

/** Whether a delta changes nothing (the server sends none then, but still moves the version). */
export function emptyDelta(d: BoardDelta): boolean {
  return !d.set && !d.unset && !d.lists;
}

/** A copy of `obj` with the value at `path` replaced by `fn(old)` (copies only along the path). */
function update(obj: Row, parts: string[], fn: (old: unknown) => unknown): Row {
  const [head, ...rest] = parts as [string, ...string[]];
  const out: Row = { ...obj };
  if (rest.length === 0) {
    const v = fn(obj[head]);
    if (v === undefined) delete out[head];
    else out[head] = v;
    return out;
  }
  out[head] = update(isObject(obj[head]) ? obj[head] : {}, rest, fn);
  return out;
}

/** Where `row` goes in `rows` (in `order`): after every row that sorts before or with it. */
function insertionPoint(rows: Row[], row: Row, order: (a: Row, b: Row) => number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (order(rows[mid] as Row, row) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The boards after `d`, from the boards at `d.from` (the caller checks the version).
 * `prev` is not changed; unchanged parts (and unchanged rows) are shared.
 */
export function applyDelta<T extends Row>(prev: T, d: BoardDelta): T {
  let out: Row = prev;
  for (const [path, value] of Object.entries(d.set ?? {})) out = update(out, path.split("."), () => value);
  for (const path of d.unset ?? []) out = update(out, path.split("."), () => undefined);
  for (const [path, change] of Object.entries(d.lists ?? {})) {
    const spec = LISTS[path];
    if (!spec) continue;
    out = update(out, path.split("."), (old) => {
      // The list is in its order already: take out the rows the delta touches and put
      // each upsert in its place by binary search (no sort of the whole list: a delta
      // of one row costs one pass, even at thousands of rows).
      const touched = new Set<string>(change.remove ?? []);
      for (const r of change.upsert ?? []) touched.add(String(r[spec.key]));
      const sorted: Row[] = [];
      for (const r of Array.isArray(old) ? (old as Row[]) : []) if (!touched.has(String(r[spec.key]))) sorted.push(r);
      for (const r of change.upsert ?? []) sorted.splice(insertionPoint(sorted, r, spec.order), 0, r);
      if (!spec.ranked) return sorted;
      // Rows whose rank did not move stay the same objects (a screen keeps their nodes as they are).
      return sorted.map((r, i) => (r.rank === i + 1 ? r : { ...r, rank: i + 1 }));
    });
  }
  return out as T;
}
