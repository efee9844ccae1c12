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
 * request: an entry for it is served only while that month is still current. A
 * period under way is read again after a few minutes, so its elapsed part stays near
 * the clock.
 */
type CachedBoard = { board: Leaderboard; tz: string; readAt: number };
export type ServedBoard = Served<CachedBoard>;

/** How long a board still running is served with the elapsed part it was read with. */
const ELAPSED_MAX_AGE_MS = 5 * 60_000;

export class BoardCache {
  #cache: DerivedCache<CachedBoard>;

  constructor(private readonly deps: Deps) {
    this.#cache = new DerivedCache(deps, (v) => ({ ...v.board, nextCursor: null }));
  }

  get(tenantId: string, period: LeaderboardPeriod, at?: ClubMonth): Promise<ServedBoard> {
    return this.#cache.get(
      tenantId,
      `leaderboard|${period}|${at ?? "now"}`,
      () => computeLeaderboard(this.deps, tenantId, period, at),
      (v) => {
        const now = this.deps.clock.now();
        // a period under way moves its elapsed part (the pace marker) with the clock
        const settled = v.board.elapsed <= 0 || v.board.elapsed >= 1 || now.getTime() - v.readAt < ELAPSED_MAX_AGE_MS;
        return settled && (at !== undefined || v.board.at === monthOf(now, v.tz));
      },
    );
  }
}
