import { createEffect, createSignal, on, onCleanup } from "solid-js";
import type { LeaderboardRow } from "../api.ts";
import { boardMoney, clubDay, clubMonth } from "../format.ts";
import { t } from "../i18n/index.ts";
import { liveState, onLive } from "../live.ts";
import { me } from "../session.ts";
import { addNews, CELEBRATE_MS, celebrateOn, crossings, enqueue, loadNews, type News, saveNews } from "./celebrations.ts";

/**
 * The wall's celebrations (Tv.tsx): the banner showing now, today's news for the
 * ticker, and each item in words. `now` is the TV's clock (its ticker moves to a new
 * club day with it).
 */
export function useCelebrations(now: () => number) {
  // Celebrations: a card sold (`card:sold`, to the whole club) or a rep crossing 100% of
  // the month (two consecutive live boards) shows a banner for a few seconds, one after
  // another, and a line on the ticker of the day's news. `?celebrate=off` turns both off.
  const celebrate = celebrateOn(location.search);
  const club = () => me()?.tenant.id ?? "";
  const [news, setNews] = createSignal(loadNews(club()));
  const [queue, setQueue] = createSignal<News[]>([]);
  const banner = () => queue()[0] ?? null;
  const monthRows = () => {
    const lb = liveState.boards().leaderboard as { month?: LeaderboardRow[] } | undefined;
    return Array.isArray(lb?.month) ? lb.month : null;
  };
  const repName = (repId: string) => monthRows()?.find((r) => r.repId === repId)?.name ?? "";
  function announce(items: News[]) {
    if (items.length === 0) return;
    const today = clubDay();
    setNews((n) => addNews(n, today, items));
    saveNews(club(), news());
    // Only today's news is celebrated (a late event of yesterday goes nowhere).
    setQueue((q) =>
      enqueue(
        q,
        items.filter((i) => clubDay(new Date(i.at)) === today),
      ),
    );
  }
  if (celebrate) {
    let last: { month: string; rows: LeaderboardRow[] } | null = null;
    createEffect(
      on(monthRows, (rows) => {
        if (!rows) return;
        const next = { month: clubMonth(), rows };
        announce(crossings(last, next, Date.now()));
        last = next;
      }),
    );
    const off = onLive("card:sold", (e) =>
      announce([
        {
          id: `card:${e.id}`,
          kind: "card",
          repId: e.repId,
          name: repName(e.repId),
          cardType: e.cardType,
          amount: e.amount,
          at: Date.parse(e.occurredAt) || Date.now(),
        },
      ]),
    );
    onCleanup(off);
    // Each banner stays CELEBRATE_MS, then the next in the queue.
    createEffect(
      on(banner, (b) => {
        if (!b) return;
        const timer = setTimeout(() => setQueue((q) => (q[0] === b ? q.slice(1) : q)), CELEBRATE_MS);
        onCleanup(() => clearTimeout(timer));
      }),
    );
  }
  /** The ticker: today's news, newest first (a new club day starts it empty). */
  const todayNews = () => (news().day === clubDay(new Date(now())) ? news().items : []);
  const what = (n: News) =>
    n.kind === "card"
      ? t("tv.celebrate.card", { type: n.cardType, amount: boardMoney(n.amount) })
      : t("tv.celebrate.target", { amount: boardMoney(n.amount) });
  return { celebrate, banner, todayNews, what };
}
