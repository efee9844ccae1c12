import { t } from "../i18n/index.ts";
import { TvRankTable } from "./TvRankTable.tsx";
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
    <TvRankTable
      rows={props.rows}
      elapsed={props.elapsed}
      grow={props.grow}
      tableClass="tv-teams"
      rowClass="tv-team-row"
      label={t("teamRace.title")}
      testid="tv-team-race"
      nameHead={t("tv.team")}
      nameFits={NAME_FITS}
      rowData={(r) => ({ "data-testid": "tv-team-row", "data-team": r.teamId })}
      revenueTestid="team-revenue"
      heads={
        <th scope="col" class="num">
          {t("tv.reps")}
        </th>
      }
      cells={(r) => <td class="num today">{r.reps}</td>}
    />
  );
}
