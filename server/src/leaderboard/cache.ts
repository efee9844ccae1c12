import { withTenant } from "@clubhouse/db";
import type { Deps } from "../deps.ts";
import { DerivedCache, type Served } from "../http/derived-cache.ts";
import type { LeaderboardPeriod } from "../realtime/events.ts";
import { markerInstant } from "../regulation/pace.ts";
import { type ClubMonth, monthOf } from "../time/club-time.ts";
import { computeLeaderboard, type Leaderboard } from "./service.ts";
import { loadTeamNames, type TeamRaceRow, teamRace } from "./teams.ts";

/**
 * GET /leaderboard's per-process cache (http/derived-cache.ts): a board is computed
 * once per (club, period, month, data generation) and kept serialised, so a sales
 * floor of phones and a TV refreshing the same board cost one computation, not one
 * each. "The current month" (no `at`) is resolved in the club's time zone at each
 * request: an entry for it is served only while that month is still current. A
 * period under way is read again when its pace marker's step (regulation/pace.ts,
 * `markerInstant`) has moved on, so its elapsed part stays near the clock.
 */
type CachedBoard = { board: Leaderboard; tz: string; readAt: number };
export type ServedBoard = Served<CachedBoard>;
/** The team race of a board (GET /leaderboard/teams): the board's period fields and the teams' rows. */
export type TeamRaceBoard = Omit<Leaderboard, "rows"> & { rows: TeamRaceRow[] };
type CachedRace = { of: CachedBoard; race: TeamRaceBoard };

export class BoardCache {
  #cache: DerivedCache<CachedBoard>;
  #races: DerivedCache<CachedRace>;

  constructor(private readonly deps: Deps) {
    this.#cache = new DerivedCache(deps, (v) => ({ ...v.board, nextCursor: null }));
    // the races are small: an eighth of the boards' room
    this.#races = new DerivedCache(deps, (v) => v.race, { maxBytes: 8 * 2 ** 20, maxAgeMs: 60_000 });
  }

  /**
   * The team race of a board, kept serialised like the board (a team's name or
   * members changing moves the club's generation on, as a board's rows do).
   */
  teams(tenantId: string, period: LeaderboardPeriod, at?: ClubMonth): Promise<Served<CachedRace>> {
    return this.#races.get(
      tenantId,
      `teams|${period}|${at ?? "now"}`,
      async () => {
        const of = (await this.get(tenantId, period, at)).value;
        const names = await withTenant(this.deps.database, tenantId, (tx) => loadTeamNames(tx));
        const { rows, ...fields } = of.board;
        return { of, race: { ...fields, rows: teamRace(rows, names) } };
      },
      (v) => this.#fresh(v.of, at),
    );
  }

  get(tenantId: string, period: LeaderboardPeriod, at?: ClubMonth): Promise<ServedBoard> {
    return this.#cache.get(
      tenantId,
      `leaderboard|${period}|${at ?? "now"}`,
      () => computeLeaderboard(this.deps, tenantId, period, at),
      (v) => this.#fresh(v, at),
    );
  }

  #fresh(v: CachedBoard, at: ClubMonth | undefined): boolean {
    const now = this.deps.clock.now();
    // a period under way moves its elapsed part (the pace marker) with the clock
    const settled =
      v.board.elapsed <= 0 || v.board.elapsed >= 1 || markerInstant(now).getTime() === markerInstant(new Date(v.readAt)).getTime();
    return settled && (at !== undefined || v.board.at === monthOf(now, v.tz));
  }
}
