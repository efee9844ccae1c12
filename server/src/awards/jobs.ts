import { jobRuns, withTenant } from "@clubhouse/db";
import { and, eq } from "drizzle-orm";
import { enqueueNotifications } from "../notify/enqueue.ts";
import { yearOf } from "../time/club-time.ts";
import { type ClubJob, claimJobRun, SETTLED } from "../writes/job-run.ts";
import { awardsFor } from "./service.ts";

/** The club year before the one `now` falls in: the last year that has ended. */
const endedYear = (now: Date, club: { timezone: string }) => String(Number(yearOf(now, club.timezone)) - 1);

/**
 * 销售冠军、亚军、季军: once a club year is over, its final podium is announced to the
 * channels that chose `awards`, once per club and year (the claim and the outbox rows
 * commit together). A year nobody won is not announced.
 */
export const awardsAnnouncement: ClubJob = {
  name: "awards-notify",
  period: endedYear,
  async run(ctx, club) {
    const now = ctx.deps.clock.now();
    const year = endedYear(now, club);
    // announced already (the usual case, every tick of the year): one indexed read, no ranking
    const done = await withTenant(ctx.deps.database, ctx.tenantId, (tx) =>
      tx
        .select({ job: jobRuns.job })
        .from(jobRuns)
        .where(and(eq(jobRuns.job, "awards-notify"), eq(jobRuns.period, year))),
    );
    if (done.length > 0) return SETTLED;
    const podium = await awardsFor(ctx, year);
    // not final yet (a month of the year still open): look again next tick; final with
    // nobody to crown: nothing will be announced for it
    if (!podium.final) return;
    if (!podium.champion) return SETTLED;
    await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
      if (!(await claimJobRun(tx, ctx.tenantId, "awards-notify", year, now))) return;
      await enqueueNotifications(tx, ctx.tenantId, [
        { event: "awards", data: { year, champion: podium.champion, runnerUp: podium.runnerUp, third: podium.third } },
      ]);
    });
    return SETTLED;
  },
};

export const awardsJobs: ClubJob[] = [awardsAnnouncement];
