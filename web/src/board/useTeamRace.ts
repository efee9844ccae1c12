import { createEffect, createSignal, on } from "solid-js";
import { client, data, type TeamRaceRow } from "../api.ts";
import { clubMonth } from "../format.ts";
import { liveState } from "../live.ts";
import type { Period } from "../types.ts";

export type { TeamRaceRow };

type Races = Partial<Record<Period, TeamRaceRow[]>>;

function liveRaces(): Races | null {
  const teams = liveState.boards().teams as Races | undefined;
  return teams && Array.isArray(teams.month) ? teams : null;
}

/**
 * The team race of one period, from the live boards (`teams.{month,quarter,year}`,
 * snapshot then deltas); GET /leaderboard/teams only while no snapshot has come.
 * `names` (the club's teams, whatever the period: every team runs in each) does not
 * follow the period, so a screen may decide what to show from it without a loop.
 */
export function useTeamRace(period: () => Period) {
  const [fetched, setFetched] = createSignal<{ key: string; rows: TeamRaceRow[]; elapsed: number } | null>(null);
  let seq = 0;
  const key = () => `${period()}:${clubMonth()}`;

  async function load() {
    const mine = ++seq;
    const p = period();
    try {
      const race = await data(client.leaderboard.teams.$get({ query: { period: p, at: clubMonth() } }));
      if (mine === seq) setFetched({ key: `${p}:${race.at}`, rows: race.rows, elapsed: race.elapsed });
    } catch {
      // the board says why it cannot load; the race waits for the live boards
    }
  }
  createEffect(
    on([period, () => liveRaces() !== null], ([, live]) => {
      if (!live && fetched()?.key !== key()) void load();
    }),
  );

  const rows = (): TeamRaceRow[] => {
    const live = liveRaces();
    if (live) return live[period()] ?? [];
    const f = fetched();
    return f && f.key === key() ? f.rows : [];
  };
  /** The elapsed part of the period (0–1) as the server gives it, with the rows; null until it has. */
  const elapsed = (): number | null => {
    if (liveRaces()) {
      const e = (liveState.boards().elapsed as Partial<Record<Period, number>> | undefined)?.[period()];
      return typeof e === "number" ? e : null;
    }
    const f = fetched();
    return f && f.key === key() ? f.elapsed : null;
  };
  const names = (): Map<string, string> => {
    const list = liveRaces()?.month ?? fetched()?.rows ?? [];
    return new Map(list.map((r) => [r.teamId, r.name]));
  };
  const loaded = () => liveRaces() !== null || fetched()?.key === key();
  return { rows, elapsed, names, loaded };
}
