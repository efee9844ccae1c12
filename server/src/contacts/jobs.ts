import { withTenant } from "@clubhouse/db";
import { refreshAlarms } from "../refresh/jobs.ts";
import { purgeIdempotencyKeys } from "../writes/idempotency.ts";
import type { ClubJob } from "../writes/job-run.ts";

/** Idempotency keys older than 30 days are forgotten (a replay after that logs anew). */
export const purgeKeys: ClubJob = {
  name: "idempotency-purge",
  async run(ctx) {
    await withTenant(ctx.deps.database, ctx.tenantId, (tx) => purgeIdempotencyKeys(tx, ctx.deps.clock.now()));
  },
};

export const contactJobs: ClubJob[] = [purgeKeys, refreshAlarms];
