import { For, Show } from "solid-js";
import { boardMoney, pct } from "../format.ts";
import { t } from "../i18n/index.ts";
import { AttainmentBar } from "../ui/common.tsx";
import type { TeamRaceRow } from "./useTeamRace.ts";
import "./teams.css";

/**
 * The team race on the board: the club's teams ranked by revenue for the period
 * shown, each with revenue / target, an attainment bar and its reps. Choosing a team
 * narrows the board to it (choosing it again shows the whole club).
 */
export function TeamRace(props: {
  rows: TeamRaceRow[];
  elapsed: number | null;
  selected: string | null;
  onSelect: (teamId: string | null) => void;
}) {
  return (
    <section class="team-race card" aria-labelledby="team-race-title" data-testid="team-race">
      <h2 id="team-race-title">{t("teamRace.title")}</h2>
      <ol class="team-race-list">
        <For each={props.rows}>
          {(r) => (
            <li data-testid="team-race-row" data-team={r.teamId} data-rank={r.rank}>
              <button
                type="button"
                class="team-race-item"
                classList={{ on: props.selected === r.teamId, podium: r.rank <= 3 }}
                aria-pressed={props.selected === r.teamId}
                title={t("teamRace.show", { name: r.name })}
                onClick={() => props.onSelect(props.selected === r.teamId ? null : r.teamId)}
              >
                <span class="team-race-rank">{r.rank}</span>
                <span class="team-race-name">{r.name}</span>
                <span class="team-race-money">
                  <strong data-testid="team-revenue">{boardMoney(r.revenue)}</strong>
                  <Show when={r.target !== null}>
                    <span class="muted"> / {boardMoney(r.target)}</span>
                  </Show>
                </span>
                <span class="team-race-bar">
                  <AttainmentBar value={r.attainment} elapsed={props.elapsed} />
                  <span class="team-race-pct">{r.target ? pct(r.attainment) : t("board.noTarget")}</span>
                </span>
                <span class="team-race-reps muted small" data-testid="team-reps">
                  {t("teams.memberCount", { n: r.reps })}
                </span>
              </button>
            </li>
          )}
        </For>
      </ol>
    </section>
  );
}
