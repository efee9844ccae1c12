import type { Period } from "../types.ts";

/**
 * What the wall TV rotates through: a list of panels, each shown page by page. A
 * board panel is one period's ranking, its pages ranks 1–N, N+1–2N, … (N = the rows
 * that fit the screen); a teams panel is that period's team race; a team panel is
 * the reps of the viewer's chosen team (`?team=`), with their club ranks.
 */
export type Panel =
  | { kind: "board"; period: Period }
  | { kind: "teams"; period: Period }
  | { kind: "team"; period: Period; teamId: string };
export interface Slide {
  panel: number;
  page: number;
}

export const PERIODS: Period[] = ["month", "quarter", "year"];

/**
 * The panels in rotation, for every period (or only the pinned one): its board, then
 * its team race when the club has teams, then the chosen team when there is one.
 */
export function panelsFor(pin: Period | null, extra: { teams?: boolean; team?: string | null } = {}): Panel[] {
  return (pin ? [pin] : PERIODS).flatMap((period): Panel[] => [
    { kind: "board", period },
    ...(extra.teams ? [{ kind: "teams", period } as const] : []),
    ...(extra.team ? [{ kind: "team", period, teamId: extra.team } as const] : []),
  ]);
}

/** Pages of a board panel: as many as its rows fill, at most `maxPages`, at least one (an empty board shows its empty state). */
export function boardPages(rows: number, perPage: number, maxPages: number): number {
  if (perPage < 1) return 1;
  return Math.max(1, Math.min(maxPages, Math.ceil(rows / perPage)));
}

/** The slide after `s` (or before it, `step` -1): the next page of the same panel, else the next panel's first (or the previous panel's last) page. */
export function step(s: Slide, panels: number, pagesOf: (panel: number) => number, dir: 1 | -1 = 1): Slide {
  const pages = pagesOf(s.panel);
  if (dir === 1) {
    if (s.page + 1 < pages) return { panel: s.panel, page: s.page + 1 };
    return { panel: (s.panel + 1) % panels, page: 0 };
  }
  if (s.page > 0 && s.page - 1 < pages) return { panel: s.panel, page: s.page - 1 };
  const prev = (s.panel - 1 + panels) % panels;
  return { panel: prev, page: Math.max(0, pagesOf(prev) - 1) };
}

/**
 * The viewer's choices, kept on the TV's browser (a few bytes): a pinned period and
 * whether rotation is paused. A `?period=` in the address pins a period for that
 * page without touching what is kept.
 */
export interface TvPrefs {
  pin: Period | null;
  paused: boolean;
}
const PREFS_KEY = "clubhouse.tv.v1";

export function loadPrefs(): TvPrefs {
  try {
    const raw = JSON.parse(localStorage.getItem(PREFS_KEY) ?? "{}") as Partial<TvPrefs>;
    return { pin: PERIODS.includes(raw.pin as Period) ? (raw.pin as Period) : null, paused: raw.paused === true };
  } catch {
    return { pin: null, paused: false };
  }
}

export function savePrefs(p: TvPrefs) {
  try {
    localStorage.setItem(PREFS_KEY, JSON.stringify({ pin: p.pin, paused: p.paused }));
  } catch {}
}

const TEAM_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Settings from the address: `?period=month|quarter|year` pins one, `?pages=` (1–20,
 * default 3) pages per board, `?every=` seconds per page (2–600, default 15),
 * `?team=<id>` one team's reps as a slide of each period.
 */
export function urlOptions(search: string): { pin: Period | null; pages: number; everyMs: number; team: string | null } {
  const q = new URLSearchParams(search);
  const pin = q.get("period") as Period | null;
  const int = (name: string, min: number, max: number, fallback: number) => {
    const v = Number(q.get(name));
    return q.has(name) && Number.isFinite(v) ? Math.min(max, Math.max(min, Math.round(v))) : fallback;
  };
  const team = q.get("team");
  return {
    pin: pin && PERIODS.includes(pin) ? pin : null,
    pages: int("pages", 1, 20, 3),
    everyMs: int("every", 2, 600, 15) * 1000,
    team: team && TEAM_ID.test(team) ? team.toLowerCase() : null,
  };
}

/**
 * How wide a name is, in CJK characters: a Latin letter or digit is about half a
 * CJK glyph. Names wider than a column's width get the smaller, two-line style
 * rather than being cut.
 */
export function nameWidth(name: string): number {
  let w = 0;
  for (const ch of name) {
    const c = ch.codePointAt(0) ?? 0;
    w += c <= 0x24f || (c >= 0x2000 && c <= 0x206f) ? 0.55 : 1;
  }
  return w;
}

/** The most a short page's type grows (wider would push the columns past the screen's width). */
export const FONT_GROW_MAX = 1.25;
/** The most a short page's rows grow in height. */
export const ROW_GROW_MAX = 4;

/**
 * How a page of `rows` rows fills a body `free` pixels high, given the header's and a
 * row's height at the base size: `grow` multiplies each row's height, `font` the type
 * (at most FONT_GROW_MAX, and never more than `grow`), so a small team's board fills
 * the screen rather than leaving an empty half, and never more than the body holds.
 */
export function fill(rows: number, free: number, head: number, row: number): { grow: number; font: number } {
  // A full page (as many rows as fit at the base size) stays as it is.
  if (rows < 1 || row <= 0 || free <= 0 || rows >= Math.floor((free - head) / row)) return { grow: 1, font: 1 };
  const g = Math.min(ROW_GROW_MAX, Math.max(1, (free - head * FONT_GROW_MAX) / (rows * row)));
  // Round down a little so rounding of pixels never tips the last row past the body.
  const grow = Math.max(1, Math.floor(g * 100) / 100);
  return { grow, font: Math.min(FONT_GROW_MAX, grow) };
}

/** The table's style for `fill`'s answer (styles.css reads the two properties). */
export function growStyle(g: { grow: number; font: number } | undefined): Record<string, string> {
  return g ? { "--tv-grow": String(g.grow), "--tv-font": String(g.font) } : {};
}
