import { withTenant } from "@clubhouse/db";
import type { Deps } from "../deps.ts";
import { openPaceAlarms } from "../quotas/pace.ts";
import { clubClock } from "../quotas/read.ts";
import { quotaRows } from "../quotas/service.ts";
import type { BoardSource } from "../realtime/boards.ts";
import { leaderboardBoards } from "./service.ts";

/** The managers' quota board: every rep's live pace this month and the open pace alarms. */
export async function quotaBoard(deps: Deps, tenantId: string) {
  const ctx = { deps, tenantId, actor: { kind: "system" } as const };
  return withTenant(deps.database, tenantId, async (tx) => {
    const clock = await clubClock(tx, ctx);
    const [alarms, reps] = await Promise.all([openPaceAlarms(tx), quotaRows(tx, ctx, clock, clock.month)]);
    return {
      month: clock.month,
      reps,
      alarms: alarms.map((a) => ({ id: a.id, repId: a.repId, level: a.level, message: a.message, raisedAt: a.raisedAt.toISOString() })),
    };
  });
}

/**
 * A ready BoardSource for `deps.boards`: the leaderboards for everyone in the club,
 * the quota board for managers. (The realtime module may compose it with others.)
 */
export function quotaBoardSource(deps: Deps): BoardSource {
  return {
    async snapshot(tenantId) {
      const [leaderboard, quota] = await Promise.all([leaderboardBoards(deps, tenantId), quotaBoard(deps, tenantId)]);
      return { club: { leaderboard, at: quota.month }, managers: { quota } };
    },
  };
}
