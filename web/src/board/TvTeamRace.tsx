import { For, Show } from "solid-js";
import { boardMoney, pct } from "../format.ts";
import { t } from "../i18n/index.ts";
import { AttainmentBar } from "../ui/common.tsx";
import { growStyle, nameWidth } from "./TvRotation.ts";
import type { TeamRaceRow } from "./useTeamRace.ts";
import "./teams.css";

/** A team name wider than this (in CJK characters) takes the smaller, two-line style. */
const NAME_FITS = 12;

/**
 * One page of the team race for the wall: the same row height and type as the
 * board's pages (TvTable), so Tv.tsx's rows per page hold for it too.
 */
export function TvTeamRace(props: { rows: TeamRaceRow[]; elapsed: number | null; grow?: { grow: number; font: number } }) {
  return (
    <table class="tv-table tv-teams" style={growStyle(props.grow)} aria-label={t("teamRace.title")} data-testid="tv-team-race">
      <thead>
        <tr class="tv-row tv-team-row head">
          <th scope="col" class="rank">
            #
          </th>
          <th scope="col">{t("tv.team")}</th>
          <th scope="col">{t("board.attainment")}</th>
          <th scope="col" class="num">
            {t("board.revenue")}
          </th>
          <th scope="col" class="num">
            {t("tv.reps")}
          </th>
        </tr>
      </thead>
      <tbody>
        <For each={props.rows}>
          {(r) => (
            <tr
              class="tv-row tv-team-row"
              classList={{ podium: r.rank <= 3 }}
              data-testid="tv-team-row"
              data-team={r.teamId}
              data-rank={r.rank}
            >
              <td class="rank">{r.rank}</td>
              <th scope="row" class="name" classList={{ long: nameWidth(r.name) > NAME_FITS }} title={r.name}>
                {r.name}
              </th>
              <td class="att">
                <AttainmentBar value={r.attainment} elapsed={props.elapsed} />
                <strong>{r.target ? pct(r.attainment) : "—"}</strong>
              </td>
              <td class="num money">
                <strong data-testid="team-revenue">{boardMoney(r.revenue)}</strong>
                <Show when={r.target !== null}>
                  <span class="of"> / {boardMoney(r.target)}</span>
                </Show>
              </td>
              <td class="num today">{r.reps}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
