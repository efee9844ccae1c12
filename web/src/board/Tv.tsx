import { createSignal, onCleanup, onMount, Show } from "solid-js";
import { clock, periodAt, periodLabel } from "../format.ts";
import { t } from "../i18n/index.ts";
import { liveState, refreshBoards } from "../live.ts";
import { me } from "../session.ts";
import type { Period } from "../types.ts";
import { Empty, LiveDot, Ready } from "../ui/common.tsx";
import { BoardSummary, BoardTable } from "./BoardTable.tsx";
import { createFlip, useBoard } from "./useBoard.ts";

const CYCLE: Period[] = ["month", "quarter", "year"];
const CYCLE_MS = 20_000;

/**
 * The wall TV: the board full screen, large type, no controls, cycling month →
 * quarter → year. It reconnects and catches up by itself, and when it cannot
 * it says so across the top rather than showing an old board as if it were live.
 */
export function Tv() {
  const fixed = new URLSearchParams(location.search).get("period") as Period | null;
  const [i, setI] = createSignal(fixed && CYCLE.includes(fixed) ? CYCLE.indexOf(fixed) : 0);
  const period = () => CYCLE[i()] ?? "month";
  const flip = createFlip();
  const board = useBoard(period, { before: flip.measure, after: flip.play });
  const [now, setNow] = createSignal(new Date());

  onMount(() => {
    document.documentElement.classList.add("tv-mode");
    const cycle = fixed ? undefined : setInterval(() => setI((n) => (n + 1) % CYCLE.length), CYCLE_MS);
    const tick = setInterval(() => setNow(new Date()), 15_000);
    // A TV that slept (screen off, laptop lid) asks for fresh boards when it wakes.
    const wake = () => document.visibilityState === "visible" && refreshBoards();
    document.addEventListener("visibilitychange", wake);
    onCleanup(() => {
      clearInterval(cycle);
      clearInterval(tick);
      document.removeEventListener("visibilitychange", wake);
      document.documentElement.classList.remove("tv-mode");
    });
  });

  const stale = () => liveState.status() !== "live";

  return (
    <div class="tv" data-testid="tv">
      <Show when={stale()}>
        <div class="tv-stale" role="alert" data-testid="tv-stale">
          {liveState.lastUpdate() ? t("tv.stale", { time: clock(liveState.lastUpdate() ?? 0) }) : t("tv.connecting")}
        </div>
      </Show>
      <header class="tv-head">
        <div>
          <h1>{t("board.title")}</h1>
          <p class="tv-period">
            {periodLabel(period(), periodAt(period()).at)} · {me()?.tenant.name}
          </p>
        </div>
        <div class="tv-right">
          <span class="tv-clock">{clock(now())}</span>
          <LiveDot big />
        </div>
      </header>
      <div class="tv-dots" aria-hidden="true">
        {CYCLE.map((p) => (
          <span classList={{ on: period() === p }}>{t(`period.${p}`)}</span>
        ))}
      </div>
      <Ready when={board.loaded()} error={board.error()}>
        <Show when={board.rows.length > 0} fallback={<Empty icon="board">{t("board.empty")}</Empty>}>
          <BoardSummary rows={board.rows} tv />
          <BoardTable rows={board.rows} elapsed={periodAt(period()).elapsed} flipRef={flip.ref} tv />
        </Show>
      </Ready>
    </div>
  );
}
