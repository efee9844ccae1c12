import { batch, createEffect, createSignal, on, onCleanup, untrack } from "solid-js";
import { client, data, type LeaderboardRow } from "../api.ts";
import { clubDay, clubMonth } from "../format.ts";
import { liveState } from "../live.ts";
import type { Level, Period } from "../types.ts";
import { type Checks, checksOf, sameChecks } from "./checks.ts";

export interface BoardRow extends LeaderboardRow {
  level: Level | null;
  pace: number | null;
  today: number | null;
  /** This month's verified visits (the managers' live boards' quota rows); null where they are not carried. */
  checks: Checks | null;
}

/** Counts of the club's unacknowledged alarms, as the server counts them (boards.alarmCounts). */
export interface AlarmCounts {
  total: number;
  byKind: Record<string, number>;
  byLevel: Record<string, number>;
}

/**
 * One of the club's newest unacknowledged alarms as the managers' live boards carry
 * them (`alarms.latest`, newest first): what the board's alarm panel shows of it.
 */
export interface LiveAlarm {
  id: string;
  kind: string;
  repId: string | null;
  repName: string | null;
  level: string | null;
  message: string;
  data: Record<string, unknown>;
  raisedAt: string;
}

/** The alarm panel's first page from the live boards, and the cursor of GET /alarms's next page. */
export interface LiveAlarms {
  latest: LiveAlarm[];
  next: string | null;
}

/**
 * What the live boards carry (leaderboard/boards.ts): `leaderboard.{month,quarter,year}`
 * rows for the current period, `elapsed.{month,quarter,year}` (the elapsed part of each,
 * as the server worked it out with the snapshot), `today` (contacts today per rep and in
 * all, counted by the server), and for managers `quota.reps` with each rep's pace level and this month's
 * verified visits (`checks`), `alarmCounts` and
 * `alarms` (the newest unacknowledged ones).
 */
function fromBoards(boards: Record<string, unknown>, period: Period) {
  const lb = boards.leaderboard as Partial<Record<Period, LeaderboardRow[]>> | undefined;
  const quota = boards.quota as { reps?: { repId: string; level: Level | null; checks?: unknown }[] } | undefined;
  const today = boards.today as { day?: string; total?: number; reps?: Record<string, number> } | undefined;
  const counts = boards.alarmCounts as AlarmCounts | undefined;
  const alarms = boards.alarms as Partial<LiveAlarms> | undefined;
  const elapsed = (boards.elapsed as Partial<Record<Period, number>> | undefined)?.[period];
  return {
    elapsed: typeof elapsed === "number" ? elapsed : null,
    alarms: Array.isArray(alarms?.latest) ? (alarms as LiveAlarms) : null,
    rows: Array.isArray(lb?.[period]) ? lb[period] : null,
    quota: Array.isArray(quota?.reps) ? quota.reps : null,
    today: today && typeof today.total === "number" ? today : null,
    alarmCounts: counts && typeof counts.total === "number" ? counts : null,
  };
}

/**
 * The live board for one period. Everything it shows comes from the live boards
 * (snapshot, then deltas): the leaderboard rows, each rep's pace level, contacts
 * today and the club's total, the alarm counts. HTTP is read only while no snapshot
 * has arrived (GET /leaderboard), never because of a live write.
 *
 * `hooks.before/after` run around a change of the rows of the same period (for the
 * rank animation; `after` is told the reps whose own figures changed, not only their
 * rank); a period switch is not animated.
 */
export function useBoard(period: () => Period, hooks?: { before(): void; after(changed: ReadonlySet<string>): void }) {
  // Plain, immutable rows: a row the last change did not touch is the same object as
  // before, so the table re-renders only the rows that changed, and totals over the
  // board add up plain numbers (no store proxies, no reconcile of the whole board).
  const [rows, setRows] = createSignal<BoardRow[]>([], { equals: false });
  const [error, setError] = createSignal<unknown>(null);
  const [loaded, setLoaded] = createSignal(false);
  const [updatedAt, setUpdatedAt] = createSignal<Date | null>(null);
  const [todayTotal, setTodayTotal] = createSignal<number | null>(null);
  /** The elapsed part of the period shown, as the server gives it (the bars' pace marker); null before it has. */
  const [elapsed, setElapsed] = createSignal<number | null>(null);
  const [alarmCounts, setAlarmCounts] = createSignal<AlarmCounts | null>(null, {
    equals: (a, b) => JSON.stringify(a) === JSON.stringify(b),
  });
  // The list changes only when a delta touched it (applyDelta shares it otherwise).
  const [alarms, setAlarms] = createSignal<LiveAlarms | null>(null, {
    equals: (a, b) => a?.latest === b?.latest && a?.next === b?.next,
  });
  let fetched: { rows: LeaderboardRow[]; elapsed: number } | null = null;
  let fetchedFor = "";
  let shownPeriod: Period | null = null;
  let seq = 0;
  /** What each shown row was made of: reused while its source row (shared by applyDelta when unchanged) and figures stay. */
  let made = new Map<
    string,
    { src: LeaderboardRow; level: Level | null; today: number | null; checks: Checks | null; elapsed: number | null; row: BoardRow }
  >();

  function merge() {
    const p = period();
    const live = fromBoards(liveState.boards(), p);
    const got = fetchedFor === `${p}:${clubMonth()}` ? fetched : null;
    const base = live.rows ?? got?.rows ?? null;
    if (!base) return false;
    const elapsed = live.rows ? live.elapsed : (got?.elapsed ?? null);
    const levels = new Map<string, Level | null>();
    if (p === "month") for (const r of live.quota ?? []) levels.set(r.repId, r.level);
    // this month's checks whatever the period shown (the column says so)
    const checks = new Map<string, Checks | null>();
    for (const r of live.quota ?? []) checks.set(r.repId, checksOf(r));
    // The server's count of the club's day; a snapshot from yesterday (no write since midnight) counts nothing today.
    const today = live.today && live.today.day === clubDay() ? live.today : null;
    const animate = shownPeriod === p;
    const was = made;
    const now: typeof made = new Map();
    let changed = !animate || was.size !== base.length;
    /** Reps whose figures changed (not only their rank): the rows the animation flashes. */
    const touched = new Set<string>();
    const next = base.map((r): BoardRow => {
      const level = levels.get(r.repId) ?? null;
      const count = live.today ? (today?.reps?.[r.repId] ?? 0) : null;
      const checked = checks.get(r.repId) ?? null;
      const old = animate ? was.get(r.repId) : undefined;
      if (
        old &&
        old.src === r &&
        old.level === level &&
        old.today === count &&
        sameChecks(old.checks, checked) &&
        old.elapsed === elapsed
      ) {
        now.set(r.repId, old);
        return old.row;
      }
      changed = true;
      if (
        !old ||
        old.src.revenue !== r.revenue ||
        old.src.attainment !== r.attainment ||
        old.src.target !== r.target ||
        old.level !== level ||
        old.today !== count ||
        !sameChecks(old.checks, checked)
      )
        touched.add(r.repId);
      const row: BoardRow = {
        ...r,
        level,
        pace: r.attainment !== null && elapsed !== null && elapsed > 0 ? r.attainment / elapsed : null,
        today: count,
        checks: checked,
      };
      now.set(r.repId, { src: r, level, today: count, checks: checked, elapsed, row });
      return row;
    });
    made = now;
    shownPeriod = p;
    if (animate && changed) hooks?.before();
    batch(() => {
      if (changed) setRows(next);
      setElapsed(elapsed);
      setTodayTotal(live.today ? (today?.total ?? 0) : null);
      setAlarmCounts(live.alarmCounts);
      setAlarms(live.alarms);
      setError(null);
      setLoaded(true);
      setUpdatedAt(new Date());
    });
    if (animate && changed) hooks?.after(touched);
    return true;
  }

  /** GET /leaderboard: only while the live boards have not arrived (or at will: `reload`). */
  async function load() {
    const mine = ++seq;
    const p = period();
    const at = clubMonth();
    try {
      const lb = await data(client.leaderboard.$get({ query: { period: p, at } }));
      if (mine !== seq) return;
      fetched = { rows: lb.rows, elapsed: lb.elapsed };
      fetchedFor = `${p}:${at}`;
      merge();
    } catch (err) {
      if (mine === seq && !untrack(loaded)) setError(err);
    }
  }

  createEffect(
    on([period, liveState.boards], () => {
      if (!merge()) void load();
    }),
  );
  // Into a new day the count of contacts today starts again: merged again, no request.
  const clockTimer = setInterval(() => merge(), 60_000);
  onCleanup(() => clearInterval(clockTimer));

  return {
    /** The board's rows in rank order (plain objects; an unchanged row keeps its identity from one change to the next). */
    get rows() {
      return rows();
    },
    /** The elapsed part of the period shown (0–1), the server's figure; null until it has come. */
    elapsed,
    error,
    loaded,
    updatedAt,
    reload: load,
    todayTotal,
    alarmCounts,
    /** The newest unacknowledged alarms, when the live boards carry them (managers); null otherwise. */
    alarms,
  };
}

/**
 * Rows that slide to their new place when ranks change (FLIP), unless the viewer
 * prefers less motion. Only rows in the DOM are registered (the table renders the
 * rows on screen and a few either side), and of those only the ones in the viewport
 * are measured and moved: a change costs one layout read of a screenful of rows.
 * The slide is a transform (the compositor runs it); only the rows whose own figures
 * changed flash, not the ones a climber pushed one place down.
 */
export function createFlip() {
  const els = new Map<string, HTMLElement>();
  let before = new Map<string, number>();
  const reduced = () => typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
  /** The registered rows still in the document, with their top when on screen. */
  function onScreen(): [string, HTMLElement, number][] {
    const out: [string, HTMLElement, number][] = [];
    const h = innerHeight;
    for (const [id, el] of els) {
      if (!el.isConnected) {
        els.delete(id);
        continue;
      }
      const r = el.getBoundingClientRect();
      if (r.bottom > 0 && r.top < h) out.push([id, el, r.top]);
    }
    return out;
  }
  return {
    ref: (id: string) => (el: HTMLElement) => {
      els.set(id, el);
    },
    /** Call before the rows change. */
    measure() {
      before = new Map();
      if (reduced()) return;
      for (const [id, , top] of onScreen()) before.set(id, top);
    },
    /** Call after the rows changed, with the reps whose figures changed. */
    play(changed: ReadonlySet<string> = new Set()) {
      if (before.size === 0) return;
      const was = before;
      before = new Map();
      requestAnimationFrame(() => {
        // Reads first, then writes: one layout for all rows.
        const moves: [string, HTMLElement, number][] = [];
        for (const [id, el, top] of onScreen()) {
          const from = was.get(id);
          if (from === undefined) continue;
          const dy = from - top;
          if (Math.abs(dy) >= 1 && Math.abs(dy) < innerHeight * 2) moves.push([id, el, dy]);
        }
        for (const [id, el, dy] of moves) {
          el.animate([{ transform: `translateY(${dy}px)` }, { transform: "none" }], { duration: 500, easing: "cubic-bezier(.2,.8,.2,1)" });
          if (changed.has(id)) el.animate([{ backgroundColor: "var(--flash)" }, { backgroundColor: "transparent" }], { duration: 1400 });
        }
      });
    },
  };
}
