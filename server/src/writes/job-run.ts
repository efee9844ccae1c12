import { jobRuns, type Tx } from "@clubhouse/db";
import type { ServiceContext } from "../deps.ts";

/**
 * A background job visits every club in turn (each in its own withTenant
 * transactions, as the system actor). Jobs must be idempotent: several server
 * processes run the same schedule, and a job may run again after a restart.
 */
export interface ClubJob {
  name: string;
  /**
   * For a job with work once per period (a month, a quarter, a year, an hour): the
   * period it would look at now. With it, `run` answers SETTLED when that period needs
   * nothing more (done, by this process or another), and the scheduler then skips the
   * job for the club until the period changes (jobs/scheduler.ts, JobMemo).
   */
  period?(now: Date, club: { id: string; timezone: string }): string;
  // biome-ignore lint/suspicious/noConfusingVoidType: a job without a period answers nothing
  run(ctx: ServiceContext, club: { id: string; timezone: string }): Promise<void | typeof SETTLED>;
}

/** What a periodic job answers when its period needs nothing more. */
export const SETTLED = "settled" as const;

/** Claims (job, period) for this club once: true for the first caller, false ever after. */
export async function claimJobRun(tx: Tx, tenantId: string, job: string, period: string, at: Date): Promise<boolean> {
  const rows = await tx.insert(jobRuns).values({ tenantId, job, period, ranAt: at }).onConflictDoNothing().returning();
  return rows.length > 0;
}
