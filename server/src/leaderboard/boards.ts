import { withTenant } from "@clubhouse/db";
import type { Deps } from "../deps.ts";
import { openPaceAlarms } from "../quotas/pace.ts";
import { clubClock } from "../quotas/read.ts";
import { quotaRowsFrom } from "../quotas/service.ts";
import type { BoardSource } from "../realtime/boards.ts";
import { currentBoards, yearReads } from "./service.ts";

/**
 * A ready BoardSource for `deps.boards`: the leaderboards for everyone in the club,
 * and for managers the quota board (every rep's live pace this month and the open
 * pace alarms). One transaction and one read per table (the year's rows, summed
 * here per board), since every write of a club with open boards recomputes them.
 */
export function quotaBoardSource(deps: Deps): BoardSource {
  return {
    async snapshot(tenantId) {
      const ctx = { deps, tenantId, actor: { kind: "system" } as const };
      return withTenant(deps.database, tenantId, async (tx) => {
        const clock = await clubClock(tx, ctx);
        const [reads, alarms] = await Promise.all([yearReads(tx, clock), openPaceAlarms(tx)]);
        const month = [clock.month];
        const quota = {
          month: clock.month,
          reps: quotaRowsFrom(ctx, clock, clock.month, reads.reps, reads.figures.targetSums(month), reads.figures.revenueSums(month)),
          alarms: alarms.map((a) => ({ id: a.id, repId: a.repId, level: a.level, message: a.message, raisedAt: a.raisedAt.toISOString() })),
        };
        return { club: { leaderboard: currentBoards(clock, reads), at: quota.month }, managers: { quota } };
      });
    },
  };
}
