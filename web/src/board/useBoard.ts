import { createEffect, createSignal, on, onCleanup } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import { client, data, type LeaderboardRow, type QuotaRow } from "../api.ts";
import { clubDay, clubMonth, periodAt } from "../format.ts";
import { liveState } from "../live.ts";
import type { Level, Period } from "../types.ts";

export interface BoardRow extends LeaderboardRow {
  level: Level | null;
  pace: number | null;
  today: number | null;
}

/**
 * What the live snapshot carries (leaderboard/boards.ts): `leaderboard.{month,quarter,year}`
 * rows for the current period, and for managers `quota.reps` with each rep's pace level.
 */
function fromSnapshot(boards: Record<string, unknown>, period: Period) {
  const lb = boards.leaderboard as Partial<Record<Period, LeaderboardRow[]>> | undefined;
  const quota = boards.quota as { month?: string; reps?: QuotaRow[] } | undefined;
  return { rows: Array.isArray(lb?.[period]) ? lb[period] : null, quota: Array.isArray(quota?.reps) ? quota.reps : null };
}

/** Contacts logged today per rep (the leaderboard counts the period's; the board also shows today's). */
async function contactsToday(): Promise<Map<string, number>> {
  const today = clubDay();
  const counts = new Map<string, number>();
  let cursor: string | undefined;
  for (let i = 0; i < 10; i++) {
    const page = await data(client.contacts.$get({ query: { month: clubMonth(), limit: "200", ...(cursor ? { cursor } : {}) } }));
    let older = false;
    for (const c of page.items) {
      if (c.day !== today) {
        older = true;
        continue;
      }
      if (!c.voided) counts.set(c.repId, (counts.get(c.repId) ?? 0) + 1);
    }
    if (older || !page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return counts;
}

/**
 * The live board for one period: the leaderboard from HTTP, replaced by the rows of
 * every live snapshot (and refetched after any other live news, debounced), with
 * the quota board's pace levels and today's contacts merged in.
 */
export function useBoard(period: () => Period, hooks?: { before(): void; after(): void }) {
  const [rows, setRows] = createStore<BoardRow[]>([]);
  const [error, setError] = createSignal<unknown>(null);
  const [loaded, setLoaded] = createSignal(false);
  const [updatedAt, setUpdatedAt] = createSignal<Date | null>(null);
  let levels = new Map<string, QuotaRow>();
  let today = new Map<string, number>();
  let base: LeaderboardRow[] = [];
  let seq = 0;
  let loadedAt = "";

  function merge() {
    const { elapsed } = periodAt(period());
    const next = base.map(
      (r): BoardRow => ({
        ...r,
        level: period() === "month" ? (levels.get(r.repId)?.level ?? null) : null,
        pace: r.attainment !== null && elapsed > 0 ? r.attainment / elapsed : null,
        today: today.get(r.repId) ?? (loaded() ? 0 : null),
      }),
    );
    hooks?.before();
    setRows(reconcile(next, { key: "repId", merge: true }));
    hooks?.after();
    setUpdatedAt(new Date());
  }

  async function load() {
    const mine = ++seq;
    const p = period();
    const { at } = periodAt(p);
    loadedAt = `${p}:${at}`;
    try {
      const lb = await data(client.leaderboard.$get({ query: { period: p, at } }));
      if (mine !== seq) return;
      base = lb.rows;
      setError(null);
      setLoaded(true);
      merge();
    } catch (err) {
      if (mine === seq) setError(err);
      return;
    }
    // Secondary figures: either may be missing (a rep has no quota board) without hiding the board.
    const [quota, counts] = await Promise.allSettled([data(client.quota.$get({ query: { month: clubMonth() } })), contactsToday()]);
    if (mine !== seq) return;
    if (quota.status === "fulfilled") levels = new Map(quota.value.reps.map((r) => [r.repId, r]));
    if (counts.status === "fulfilled") today = counts.value;
    merge();
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  function soon() {
    clearTimeout(timer);
    timer = setTimeout(() => void load(), 300);
  }
  onCleanup(() => clearTimeout(timer));

  createEffect(on(period, () => void load()));
  createEffect(
    on(
      liveState.tick,
      () => {
        const snap = fromSnapshot(liveState.boards(), period());
        if (snap.quota) levels = new Map(snap.quota.map((r) => [r.repId, r]));
        if (snap.rows) {
          base = snap.rows;
          merge();
        }
        // Today's contacts and anything the snapshot lacks: read again shortly.
        soon();
      },
      { defer: true },
    ),
  );
  // Into a new day or month, the board's period moves on by itself; the pace marker moves with the clock.
  const clockTimer = setInterval(() => {
    if (`${period()}:${periodAt(period()).at}` !== loadedAt) void load();
    else merge();
  }, 60_000);
  onCleanup(() => clearInterval(clockTimer));

  return { rows, error, loaded, updatedAt, reload: load };
}

/** Rows that slide to their new place when ranks change (FLIP), unless the viewer prefers less motion. */
export function createFlip() {
  const els = new Map<string, HTMLElement>();
  let before = new Map<string, number>();
  return {
    ref: (id: string) => (el: HTMLElement) => {
      els.set(id, el);
    },
    /** Call before the rows change. */
    measure() {
      before = new Map([...els].filter(([, el]) => el.isConnected).map(([id, el]) => [id, el.getBoundingClientRect().top]));
    },
    /** Call after the rows changed. */
    play() {
      if (matchMedia("(prefers-reduced-motion: reduce)").matches) return;
      requestAnimationFrame(() => {
        for (const [id, el] of els) {
          if (!el.isConnected) {
            els.delete(id);
            continue;
          }
          const was = before.get(id);
          if (was === undefined) continue;
          const dy = was - el.getBoundingClientRect().top;
          if (Math.abs(dy) < 1) continue;
          el.animate([{ transform: `translateY(${dy}px)` }, { transform: "none" }], { duration: 500, easing: "cubic-bezier(.2,.8,.2,1)" });
          el.animate([{ backgroundColor: "var(--flash)" }, { backgroundColor: "transparent" }], { duration: 1400 });
        }
      });
    },
  };
}
