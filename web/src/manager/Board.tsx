import { A } from "@solidjs/router";
import { createMemo, createSignal, For, Show } from "solid-js";
import { BoardSummary, BoardTable } from "../board/BoardTable.tsx";
import { NO_TEAM, TeamFilter, useLeadDefault } from "../board/TeamFilter.tsx";
import { TeamRace } from "../board/TeamRace.tsx";
import { createFlip, useBoard } from "../board/useBoard.ts";
import { useTeamRace } from "../board/useTeamRace.ts";
import { clubMonth, periodLabel } from "../format.ts";
import { t } from "../i18n/index.ts";
import { liveState } from "../live.ts";
import type { Period } from "../types.ts";
import { Empty, LiveDot, Ready } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { Alarms } from "./BoardAlarms.tsx";

const periods: Period[] = ["month", "quarter", "year"];

export function Board() {
  const [period, setPeriod] = createSignal<Period>("month");
  const flip = createFlip();
  const board = useBoard(period, { before: flip.measure, after: flip.play });
  // The team race, and the team the board is narrowed to (club ranks kept); a lead's opens on theirs.
  const race = useTeamRace(period);
  const [team, setTeam] = createSignal<string | null>(null);
  let touched = false;
  const chooseTeam = (id: string | null) => {
    touched = true;
    setTeam(id);
  };
  useLeadDefault(setTeam, () => touched);
  const rows = createMemo(() => {
    const id = team();
    if (!id) return board.rows;
    return board.rows.filter((r) => r.teamId === (id === NO_TEAM ? null : id));
  });

  return (
    <div class="page board-page">
      <header class="page-head">
        <div>
          <h1>{t("board.title")}</h1>
          <p class="muted">{periodLabel(period(), clubMonth())}</p>
        </div>
        <div class="row gap wrap">
          <fieldset class="seg">
            <legend class="sr-only">{t("board.period")}</legend>
            <For each={periods}>
              {(p) => (
                <button type="button" aria-pressed={period() === p} classList={{ active: period() === p }} onClick={() => setPeriod(p)}>
                  {t(`period.${p}`)}
                </button>
              )}
            </For>
          </fieldset>
          <TeamFilter teams={race.names()} value={team()} onChange={chooseTeam} unassigned={board.rows.some((r) => r.teamId === null)} />
          <LiveDot />
          <A class="btn secondary small" href="/tv">
            <Icon name="tv" size={16} /> {t("nav.tv")}
          </A>
        </div>
      </header>
      <UnownedWarning />
      <Show when={race.rows().length > 0}>
        <TeamRace rows={race.rows()} elapsed={race.elapsed()} selected={team()} onSelect={chooseTeam} />
      </Show>
      <div class="board-layout">
        <section class="board-main card" aria-live="off">
          <Ready when={board.loaded()} error={board.error()} retry={() => void board.reload()}>
            <Show when={rows().length > 0} fallback={<Empty icon="board">{team() ? t("teamRace.noReps") : t("board.empty")}</Empty>}>
              <BoardSummary
                rows={rows()}
                today={team() ? null : board.todayTotal()}
                title={
                  team()
                    ? t("teamRace.teamTotal", { name: team() === NO_TEAM ? t("teamRace.noTeam") : (race.names().get(team() ?? "") ?? "") })
                    : undefined
                }
              />
              <BoardTable
                rows={rows()}
                elapsed={board.elapsed()}
                flipRef={flip.ref}
                paceHelp={t("boardPace.legend")}
                checksHead={rows().some((r) => r.checks) ? t(period() === "month" ? "checks.share" : "checks.shareMonth") : undefined}
              />
            </Show>
            <p class="legend muted small">
              <span class="legend-mark full" /> {t("board.legend100")} <span class="legend-mark pace" /> {t("board.legendPace")}
            </p>
            <p class="legend muted small" data-testid="pace-legend">
              {t("boardPace.legend")}
            </p>
          </Ready>
        </section>
        <Alarms
          counts={board.alarmCounts()}
          live={board.alarms()}
          ready={board.loaded()}
          belowPace={board.loaded() ? board.rows.filter((r) => r.level && r.level !== "ok").length : null}
        />
      </div>
    </div>
  );
}

/** While disabled reps still own customers (the managers' live boards count them), a warning that links to the handover. */
function UnownedWarning() {
  const n = () => {
    const v = (liveState.boards() as Record<string, unknown>).unowned;
    return typeof v === "number" ? v : 0;
  };
  return (
    <Show when={n() > 0}>
      <p class="banner warn" role="status" data-testid="unowned-warning">
        <Icon name="alert" size={16} /> {t("board.unowned", { n: n() })}{" "}
        <A href="/handover" data-testid="unowned-link">
          {t("board.unownedLink")}
        </A>
      </p>
    </Show>
  );
}
