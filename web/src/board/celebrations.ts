/**
 * What the wall TV celebrates, and the day's news on its ticker. Pure: the TV feeds
 * it the live boards and the `card:sold` events it hears, and shows what comes out.
 *
 * A rep "crosses 100%" when this month's row of two consecutive boards goes from an
 * attainment below 1 to 1 or more: read from the live boards themselves, so it needs
 * no event of its own. The first board a TV receives, a rep new on the board, a rep
 * already above (or falling back below) and another month's board are not crossings.
 */

/** The parts of a board row a crossing is judged on. */
export interface AttainmentRow {
  repId: string;
  name: string;
  revenue: number;
  target: number | null;
  attainment: number | null;
}

/** One line of news: a card sold, or a rep past their month's target. */
export type News =
  | { id: string; kind: "card"; repId: string; name: string; cardType: string; amount: number; at: number }
  | { id: string; kind: "target"; repId: string; name: string; amount: number; target: number | null; at: number };

/** The month's rows of two consecutive boards (`month` is the club month they belong to): the reps who crossed 100% between them. */
export function crossings(
  prev: { month: string; rows: readonly AttainmentRow[] } | null,
  next: { month: string; rows: readonly AttainmentRow[] },
  at: number,
): News[] {
  if (!prev || prev.month !== next.month) return [];
  const before = new Map(prev.rows.map((r) => [r.repId, r.attainment]));
  return next.rows
    .filter((r) => {
      const was = before.get(r.repId);
      return was !== undefined && was !== null && was < 1 && r.attainment !== null && r.attainment >= 1;
    })
    .map((r) => ({
      id: `target:${next.month}:${r.repId}`,
      kind: "target" as const,
      repId: r.repId,
      name: r.name,
      amount: r.revenue,
      target: r.target,
      at,
    }));
}

/** At most this many lines on the ticker (the newest). */
export const NEWS_MAX = 30;

/** The day's news with `items` added: newest first, each once, nothing from another club day, at most NEWS_MAX lines. */
export function addNews(day: { day: string; items: News[] }, today: string, items: readonly News[]): { day: string; items: News[] } {
  const kept = day.day === today ? day.items : [];
  const seen = new Set(kept.map((n) => n.id));
  const fresh = items.filter((n) => !seen.has(n.id) && seen.add(n.id));
  if (fresh.length === 0 && kept === day.items) return day;
  return {
    day: today,
    items: [...fresh, ...kept].sort((a, b) => b.at - a.at).slice(0, NEWS_MAX),
  };
}

/** How long a celebration stays up. */
export const CELEBRATE_MS = 7_000;

/**
 * The celebrations queue: `push` adds to the end, each shows for CELEBRATE_MS then the
 * next. Pure state: `current` is the head, `advance` drops it.
 */
export function enqueue(queue: readonly News[], items: readonly News[]): News[] {
  const ids = new Set(queue.map((n) => n.id));
  return [...queue, ...items.filter((n) => !ids.has(n.id) && ids.add(n.id))];
}

/** `?celebrate=off` (or `0`, `no`, `false`) turns the banner and the ticker off for that TV. */
export function celebrateOn(search: string): boolean {
  const v = new URLSearchParams(search).get("celebrate");
  return v === null || !["off", "0", "no", "false"].includes(v.toLowerCase());
}

const NEWS_KEY = "clubhouse.tv.news.v1";

/** The ticker survives a reload of the TV's page (kept per club on the TV's browser, a few KB). */
export function loadNews(club: string): { day: string; items: News[] } {
  try {
    const raw = JSON.parse(localStorage.getItem(`${NEWS_KEY}:${club}`) ?? "null") as { day?: unknown; items?: unknown } | null;
    if (raw && typeof raw.day === "string" && Array.isArray(raw.items)) return { day: raw.day, items: raw.items as News[] };
  } catch {}
  return { day: "", items: [] };
}

export function saveNews(club: string, news: { day: string; items: News[] }) {
  try {
    localStorage.setItem(`${NEWS_KEY}:${club}`, JSON.stringify(news));
  } catch {}
}
