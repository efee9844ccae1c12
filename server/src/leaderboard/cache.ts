import type { Deps } from "../deps.ts";
import { DerivedCache, type Served } from "../http/derived-cache.ts";
import type { LeaderboardPeriod } from "../realtime/events.ts";
import { type ClubMonth, monthOf } from "../time/club-time.ts";
import { computeLeaderboard, type Leaderboard } from "./service.ts";

/**
 * GET /leaderboard's per-process cache (http/derived-cache.ts): a board is computed
 * once per (club, period, month, data generation) and kept serialised, so a sales
 * floor of phones and a TV refreshing the same board cost one computation, not one
 * each. "The current month" (no `at`) is resolved in the club's time zone at each
 * request: an entry for it is served only while that month is still current.
 */
export type ServedBoard = Served<{ board: Leaderboard; tz: string }>;

export class BoardCache {
  #cache: DerivedCache<{ board: Leaderboard; tz: string }>;

  constructor(private readonly deps: Deps) {
    this.#cache = new DerivedCache(deps, (v) => ({ ...v.board, nextCursor: null }));
  }

  get(tenantId: string, period: LeaderboardPeriod, at?: ClubMonth): Promise<ServedBoard> {
    return this.#cache.get(
      tenantId,
      `leaderboard|${period}|${at ?? "now"}`,
      () => computeLeaderboard(this.deps, tenantId, period, at),
      (v) => at !== undefined || v.board.at === monthOf(this.deps.clock.now(), v.tz),
    );
  }
}
