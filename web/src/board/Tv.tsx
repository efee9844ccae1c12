import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show } from "solid-js";
import { clock, clubMonth, periodLabel } from "../format.ts";
import { t } from "../i18n/index.ts";
import { liveState, refreshBoards } from "../live.ts";
import { me } from "../session.ts";
import type { Period } from "../types.ts";
import { Empty, LiveDot, Ready } from "../ui/common.tsx";
import { BoardSummary } from "./BoardTable.tsx";
import {
  boardPages,
  fill,
  loadPrefs,
  type Panel,
  PERIODS,
  panelsFor,
  type Slide,
  savePrefs,
  step,
  type TvPrefs,
  urlOptions,
} from "./TvRotation.ts";
import { TvTable } from "./TvTable.tsx";
import { TvTeamRace } from "./TvTeamRace.tsx";
import { useBoard } from "./useBoard.ts";
import { useCelebrations } from "./useCelebrations.ts";
import { useTeamRace } from "./useTeamRace.ts";

/**
 * The wall TV: the board full screen in large type, as many ranks as fit the screen
 * without scrolling, rotating page by page (ranks 1–N, N+1–2N, … up to `?pages=`)
 * and period by period (month → quarter → year; in each, after the board, the team
 * race when the club has teams and the chosen team's reps with `?team=`), with the page, the period and the
 * time to the next change on screen. The viewer can pin a period and pause (keys or
 * the small buttons; kept in localStorage). It reconnects and catches up by itself,
 * and when it cannot it says so across the top rather than showing an old board as
 * if it were live.
 */
export function Tv() {
  const opts = urlOptions(location.search);
  const [prefs, setPrefs] = createSignal(loadPrefs());
  const pin = () => opts.pin ?? prefs().pin;
  const [slide, setSlide] = createSignal<Slide>({ panel: 0, page: 0 });
  // The club's teams (race.names) do not follow the period (every team runs in each), so the panels can depend on them.
  const race = useTeamRace(() => period());
  const chosenTeam = () => (opts.team && race.names().has(opts.team) ? opts.team : null);
  const panels = createMemo(() => panelsFor(pin(), { teams: race.names().size > 0, team: chosenTeam() }));
  const panelAt = (i: number): Panel => panels()[i] ?? panels()[0] ?? { kind: "board", period: "month" };
  const period = (): Period => panelAt(slide().panel).period;
  const board = useBoard(period);
  /** The rows of a panel of the current period: the board's, its team's (club ranks kept), or the race's. */
  const teamRows = (teamId: string) => board.rows.filter((r) => r.teamId === teamId);
  const lengthOf = (p: Panel) =>
    p.kind === "teams" ? race.rows().length : p.kind === "team" ? teamRows(p.teamId).length : board.rows.length;

  // The rows belong to the period of the last update; a slide of another period is
  // shown only once its rows have come, so the screen never labels one period's
  // ranking with another's name. Until then the previous slide stays up.
  const [rowsOf, setRowsOf] = createSignal<Period | null>(null);
  createEffect(on(board.updatedAt, (at) => at && setRowsOf(period())));
  const view = createMemo<{ period: Period; panel: number; page: number } | null>((prev) =>
    rowsOf() === period() ? { period: period(), panel: slide().panel, page: slide().page } : (prev ?? null),
  );
  const shownPanel = (): Panel => panelAt(view()?.panel ?? slide().panel);
  const shownTeamId = () => {
    const p = shownPanel();
    return p.kind === "team" ? p.teamId : null;
  };

  // Rows per page: the free height of the table's body over one row's height, so a
  // page never scrolls; measured again whenever the screen or the chrome (the ticker)
  // changes. Heights are measured at the table's base size: a page of fewer rows than
  // fit grows (taller rows, somewhat larger type) to fill the body.
  const [metrics, setMetrics] = createSignal({ free: 0, head: 0, row: 0 });
  const perPage = () => {
    const m = metrics();
    return m.row > 0 ? Math.max(1, Math.floor((m.free - m.head) / m.row)) : 10;
  };
  let body!: HTMLDivElement;
  function measure() {
    if (!body) return;
    const grown = fill(0, 0, 0, 0);
    const table = body.querySelector<HTMLElement>(".tv-table");
    const f = Number(table?.style.getPropertyValue("--tv-font") || grown.font);
    const g = Number(table?.style.getPropertyValue("--tv-grow") || grown.grow);
    const head = (body.querySelector("thead tr")?.getBoundingClientRect().height ?? 0) / f;
    const rowEl = body.querySelector("tbody tr")?.getBoundingClientRect().height;
    const row = rowEl ? rowEl / g : 2 * Number.parseFloat(getComputedStyle(body).fontSize);
    setMetrics({ free: body.clientHeight, head, row });
  }
  const pagesOf = (i = view()?.panel ?? slide().panel) => boardPages(lengthOf(panelAt(i)), perPage(), opts.pages);
  const page = () => Math.min(view()?.page ?? 0, pagesOf() - 1);
  const cut = <T,>(rows: T[]) => rows.slice(page() * perPage(), (page() + 1) * perPage());
  const shown = createMemo(() => {
    const p = shownPanel();
    return p.kind === "team" ? cut(teamRows(p.teamId)) : p.kind === "board" ? cut(board.rows) : [];
  });
  const shownTeams = createMemo(() => (shownPanel().kind === "teams" ? cut(race.rows()) : []));
  const shownLength = () => lengthOf(shownPanel());
  /** How much a short page grows to fill the body (1: a full page). */
  const grow = createMemo(() => {
    const m = metrics();
    return fill(shown().length + shownTeams().length, m.free, m.head, m.row);
  });
  createEffect(
    on(
      () => shown().length + shownTeams().length > 0,
      (any) => any && requestAnimationFrame(measure),
    ),
  );

  // The rotation's clock: one tick a second moves the countdown; at the deadline, the next slide.
  const [now, setNow] = createSignal(Date.now());
  const [deadline, setDeadline] = createSignal(Date.now() + opts.everyMs);
  const paused = () => prefs().paused;
  const restart = () => setDeadline(Date.now() + opts.everyMs);
  const move = (dir: 1 | -1) => {
    setSlide((s) => step(s, panels().length, pagesOf, dir));
    restart();
  };
  const next = () => step(slide(), panels().length, pagesOf);
  const secondsLeft = () => Math.max(0, Math.ceil((deadline() - now()) / 1000));
  createEffect(
    on(now, (n) => {
      if (!paused() && n >= deadline()) move(1);
    }),
  );

  function choose(p: Partial<TvPrefs>) {
    const v = { ...prefs(), ...p };
    setPrefs(v);
    savePrefs(v);
  }
  function pinPeriod(p: Period | null) {
    choose({ pin: p });
    setSlide({ panel: 0, page: 0 });
    restart();
  }
  function togglePause() {
    choose({ paused: !paused() });
    restart();
  }

  const { celebrate, banner, todayNews, what } = useCelebrations(now);

  function onKey(e: KeyboardEvent) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const el = e.target as HTMLElement | null;
    // A focused button handles its own Space/Enter.
    if (el?.closest("button, input, select, textarea, a")) if (e.key === " " || e.key === "Enter") return;
    const byKey: Record<string, () => void> = {
      " ": togglePause,
      p: togglePause,
      ArrowRight: () => move(1),
      ArrowLeft: () => move(-1),
      "0": () => pinPeriod(null),
      a: () => pinPeriod(null),
      "1": () => pinPeriod("month"),
      m: () => pinPeriod("month"),
      "2": () => pinPeriod("quarter"),
      q: () => pinPeriod("quarter"),
      "3": () => pinPeriod("year"),
      y: () => pinPeriod("year"),
    };
    const act = byKey[e.key];
    if (!act) return;
    e.preventDefault();
    act();
  }

  onMount(() => {
    document.documentElement.classList.add("tv-mode");
    const tick = setInterval(() => setNow(Date.now()), 1000);
    const ro = new ResizeObserver(() => measure());
    ro.observe(body);
    measure();
    // A TV that slept (screen off, laptop lid) asks for fresh boards when it wakes.
    const wake = () => document.visibilityState === "visible" && refreshBoards();
    document.addEventListener("visibilitychange", wake);
    document.addEventListener("keydown", onKey);
    onCleanup(() => {
      clearInterval(tick);
      ro.disconnect();
      document.removeEventListener("visibilitychange", wake);
      document.removeEventListener("keydown", onKey);
      document.documentElement.classList.remove("tv-mode");
    });
  });

  const stale = () => liveState.status() !== "live";
  const shownPeriod = () => view()?.period ?? period();
  const from = () => page() * perPage() + 1;
  const to = () => Math.min(shownLength(), (page() + 1) * perPage());
  const teamName = (teamId: string) => race.names().get(teamId) ?? "";
  /** A panel's name: its period, or the period's team race, or the period's chosen team. */
  const panelLabel = (p: Panel) => {
    const periodName = t(`tv.period.${p.period}`);
    if (p.kind === "teams") return t("tv.teamsOf", { period: periodName });
    if (p.kind === "team") return t("tv.teamOf", { period: periodName, name: teamName(p.teamId) });
    return periodName;
  };
  const ranksLabel = (p: Panel, from: number, to: number) => t(p.kind === "teams" ? "tv.teamsRanks" : "tv.ranks", { from, to });
  /** What comes next: the next ranks of this panel, or the next panel. */
  const nextLabel = () => {
    const n = next();
    const p = panelAt(n.panel);
    if (n.panel !== slide().panel) return panelLabel(p);
    return ranksLabel(p, n.page * perPage() + 1, Math.min(lengthOf(p), (n.page + 1) * perPage()));
  };

  return (
    <div class="tv" data-testid="tv">
      <Show when={stale()}>
        <div class="tv-stale" role="alert" data-testid="tv-stale">
          {liveState.lastUpdate() ? t("tv.stale", { time: clock(liveState.lastUpdate() ?? 0) }) : t("tv.connecting")}
        </div>
      </Show>
      <header class="tv-head">
        <Show when={banner()}>
          {(b) => (
            <div
              class="tv-celebrate"
              classList={{ target: b().kind === "target" }}
              role="status"
              data-testid="tv-celebrate"
              data-kind={b().kind}
            >
              <span class="tv-celebrate-icon" aria-hidden="true">
                {b().kind === "card" ? "★" : "▲"}
              </span>
              <strong class="tv-celebrate-name">{b().name}</strong>
              <span class="tv-celebrate-what">{what(b())}</span>
            </div>
          )}
        </Show>
        <div class="tv-title">
          <h1>{t("board.title")}</h1>
          <p
            class="tv-period"
            data-testid="tv-period"
            data-period={shownPeriod()}
            data-panel={shownPanel().kind}
            data-team={shownTeamId() ?? undefined}
          >
            {periodLabel(shownPeriod(), clubMonth())}
            <Show when={shownPanel().kind !== "board"}>
              <span class="tv-panel-name" data-testid="tv-panel-name">
                {" · "}
                {shownTeamId() ? teamName(shownTeamId() ?? "") : t("tv.teamsSlide")}
              </span>
            </Show>
            <span class="tv-club"> · {me()?.tenant.name}</span>
          </p>
        </div>
        <div class="tv-right">
          <span class="tv-clock">{clock(new Date(now()))}</span>
          <LiveDot big />
        </div>
      </header>
      <Show when={board.loaded() && board.rows.length > 0}>
        <Show when={shownTeamId()} fallback={<BoardSummary rows={board.rows} today={board.todayTotal()} tv />}>
          {(id) => <BoardSummary rows={teamRows(id())} today={null} title={t("teamRace.teamTotal", { name: teamName(id()) })} tv />}
        </Show>
      </Show>
      <nav class="tv-bar" aria-label={t("tv.controls")}>
        <div class="tv-periods">
          <For each={PERIODS}>
            {(p) => (
              <button
                type="button"
                class="tv-chip"
                classList={{ on: shownPeriod() === p, pinned: pin() === p }}
                aria-pressed={pin() === p}
                title={t("tv.pinTitle", { period: t(`tv.period.${p}`) })}
                data-testid={`tv-pin-${p}`}
                disabled={opts.pin !== null}
                onClick={() => pinPeriod(pin() === p ? null : p)}
              >
                {t(`tv.period.${p}`)}
                <Show when={pin() === p}>
                  <span class="tv-pin-mark"> · {t("tv.pinned")}</span>
                </Show>
              </button>
            )}
          </For>
        </div>
        <div class="tv-where" data-testid="tv-page">
          <strong>{shownLength() > 0 ? ranksLabel(shownPanel(), from(), to()) : ""}</strong>
          <Show when={pagesOf() > 1}>
            <span class="tv-pageof"> · {t("tv.page", { page: page() + 1, pages: pagesOf() })}</span>
          </Show>
        </div>
        <div class="tv-next" data-testid="tv-next">
          <Show when={!paused()} fallback={<span class="tv-paused">{t("tv.paused")}</span>}>
            <Show when={panels().length > 1 || pagesOf() > 1} fallback={<span>{t("tv.still")}</span>}>
              {t("tv.nextIn", { s: secondsLeft(), what: nextLabel() })}
            </Show>
          </Show>
        </div>
        <button type="button" class="tv-pause" onClick={togglePause} aria-pressed={paused()} data-testid="tv-pause" title={t("tv.keys")}>
          {paused() ? `▶ ${t("tv.resume")}` : `❚❚ ${t("tv.pause")}`}
        </button>
      </nav>
      <div class="tv-progress" aria-hidden="true">
        <div
          class="tv-progress-fill"
          classList={{ paused: paused() }}
          style={{ width: `${paused() ? 0 : Math.min(100, (1 - (deadline() - now()) / opts.everyMs) * 100)}%` }}
        />
      </div>
      <div class="tv-body" ref={body}>
        <Ready when={board.loaded()} error={board.error()}>
          <Show
            when={shownLength() > 0}
            fallback={<Empty icon="board">{shownPanel().kind === "team" ? t("teamRace.noReps") : t("board.empty")}</Empty>}
          >
            <Show when={shownPanel().kind === "teams"} fallback={<TvTable rows={shown()} elapsed={board.elapsed()} grow={grow()} />}>
              <TvTeamRace rows={shownTeams()} elapsed={race.elapsed()} grow={grow()} />
            </Show>
          </Show>
        </Ready>
      </div>
      <Show when={celebrate}>
        <section class="tv-ticker" data-testid="tv-ticker" aria-label={t("tv.news")}>
          <span class="tv-ticker-label">{t("tv.news")}</span>
          <ol class="tv-ticker-items" classList={{ moving: todayNews().length > 3 }}>
            <For each={todayNews()} fallback={<li class="tv-ticker-none">{t("tv.newsNone")}</li>}>
              {(n) => (
                <li data-testid="tv-news" data-kind={n.kind}>
                  <span class="tv-ticker-time">{clock(n.at)}</span> <strong>{n.name}</strong> {what(n)}
                </li>
              )}
            </For>
          </ol>
        </section>
      </Show>
    </div>
  );
}
