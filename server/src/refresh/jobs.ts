import { withTenant } from "@clubhouse/db";
import { raiseAlarm } from "../alarms/service.ts";
import { alarmNotices, enqueueNotifications } from "../notify/index.ts";
import { isStale, refreshProgress } from "../regulation/refresh.ts";
import { quarterOf, quarterRange } from "../time/club-time.ts";
import { type ClubJob, claimJobRun, SETTLED } from "../writes/job-run.ts";
import { quarterSubjects } from "./service.ts";

/** How many stale customers an alarm names in its data (the list endpoint has them all). */
const NAMED = 50;

/** The club quarter before the one `now` falls in: the last quarter that has ended. */
function endedQuarter(now: Date, club: { timezone: string }) {
  const current = quarterOf(now, club.timezone);
  return quarterOf(new Date(quarterRange(current, club.timezone).start.getTime() - 1), club.timezone);
}

/**
 * docs/regulation.md, 第五条 三.2: at a club quarter's end the stale customers raise an alarm to managers,
 * one per rep with stale customers. Runs at the first tick after the quarter ends,
 * once per club and quarter (claimJobRun in the same transaction as the alarms,
 * whose keys are idempotent too), judging the quarter by the refreshes made in it.
 */
export const refreshAlarms: ClubJob = {
  name: "refresh-alarms",
  period: endedQuarter,
  async run(ctx, club) {
    const now = ctx.deps.clock.now();
    const ended = endedQuarter(now, club);
    const raised = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
      if (!(await claimJobRun(tx, ctx.tenantId, "refresh-alarms", ended, now))) return 0;
      const subjects = await quarterSubjects(tx, ended, club.timezone);
      let count = 0;
      for (const p of refreshProgress(subjects, ended, club.timezone)) {
        if (p.stale === 0) continue;
        const stale = subjects.filter((s) => s.ownerId === p.repId && isStale(s, ended, club.timezone));
        const row = await raiseAlarm(tx, ctx.tenantId, {
          key: `refresh:${ended}:${p.repId}`,
          kind: "refresh",
          repId: p.repId,
          message: `${p.stale} of ${p.total} customers were not refreshed in ${ended} (动态管理: 每季度至少增补客户资料一次).`,
          data: {
            quarter: ended,
            total: p.total,
            refreshed: p.refreshed,
            stale: p.stale,
            customers: stale.slice(0, NAMED).map((s) => ({ id: s.id, name: s.name })),
          },
          at: now,
        });
        await enqueueNotifications(tx, ctx.tenantId, alarmNotices(row));
        if (row) count++;
      }
      return count;
    });
    if (raised > 0) await ctx.deps.live.boardChanged(ctx.tenantId);
    // judged here or already (claimed): the quarter needs nothing more
    return SETTLED;
  },
};
