import { jobRuns, type Tx } from "@clubhouse/db";
import type { ServiceContext } from "../deps.ts";

/**
 * A background job visits every club in turn (each in its own withTenant
 * transactions, as the system actor). Jobs must be idempotent: several server
 * processes run the same schedule, and a job may run again after a restart.
 */
export interface ClubJob {
  name: string;
  run(ctx: ServiceContext, club: { id: string; timezone: string }): Promise<void>;
}

/** Claims (job, period) for this club once: true for the first caller, false ever after. */
export async function claimJobRun(tx: Tx, tenantId: string, job: string, period: string, at: Date): Promise<boolean> {
  const rows = await tx.insert(jobRuns).values({ tenantId, job, period, ranAt: at }).onConflictDoNothing().returning();
  return rows.length > 0;
}
