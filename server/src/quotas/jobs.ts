import { withTenant } from "@clubhouse/db";
import { endedMonthOf } from "../time/club-time.ts";
import { type ClubJob, SETTLED } from "../writes/job-run.ts";
import { closeMonths } from "./close.ts";
import { evaluatePace } from "./pace.ts";
import { isMonthClosed } from "./read.ts";

/**
 * The automatic month close: on the first tick after a club month ends, close it
 * (and any earlier month with targets still open). Claimed in job_runs inside the
 * close's own transaction, so it happens once across processes and restarts.
 */
export const monthCloseJob: ClubJob = {
  name: "month-close",
  period: (now, club) => endedMonthOf(now, club.timezone),
  async run(ctx, club) {
    const month = endedMonthOf(ctx.deps.clock.now(), club.timezone);
    // cheap check first; closeMonths claims the month under a lock anyway. Closed, the
    // month stays closed: nothing to look at until the next one ends.
    if (await withTenant(ctx.deps.database, ctx.tenantId, (tx) => isMonthClosed(tx, month))) return SETTLED;
    await closeMonths(ctx, month);
  },
};

/** Time passing lowers pace: re-judge every rep with a target each tick (and end last month's alarms). */
export const paceJob: ClubJob = {
  name: "quota-pace",
  async run(ctx) {
    await evaluatePace(ctx);
  },
};

export const quotaJobs: ClubJob[] = [monthCloseJob, paceJob];
