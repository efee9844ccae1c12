import { clubSettings, contactPositions, withTenant } from "@clubhouse/db";
import { sql } from "drizzle-orm";
import { refreshAlarms } from "../refresh/jobs.ts";
import { purgeIdempotencyKeys } from "../writes/idempotency.ts";
import { type ClubJob, SETTLED } from "../writes/job-run.ts";

/** The purges look once an hour (their cut-offs are days away): the hour is their period. */
const hourOf = (now: Date) => now.toISOString().slice(0, 13);

/** Idempotency keys older than 30 days are forgotten (a replay after that logs anew). */
export const purgeKeys: ClubJob = {
  name: "idempotency-purge",
  period: hourOf,
  async run(ctx) {
    await withTenant(ctx.deps.database, ctx.tenantId, (tx) => purgeIdempotencyKeys(tx, ctx.deps.clock.now()));
    return SETTLED;
  },
};

/**
 * docs/verified-visits.md (PIPL): a contact's position is deleted once it is older than
 * the club's position_retention_days (by when it was recorded); the contact keeps its
 * check and distance. The cut-off is computed by the database from the club's setting
 * and the clock's now, in one statement.
 */
export const purgePositions: ClubJob = {
  name: "position-retention",
  period: hourOf,
  async run(ctx) {
    const now = ctx.deps.clock.now().toISOString();
    await withTenant(ctx.deps.database, ctx.tenantId, (tx) =>
      tx.execute(sql`
        delete from ${contactPositions} p
        using ${clubSettings} s
        where s.tenant_id = p.tenant_id
          and p.recorded_at < ${now}::timestamptz - make_interval(days => s.position_retention_days)`),
    );
    return SETTLED;
  },
};

export const contactJobs: ClubJob[] = [purgeKeys, refreshAlarms, purgePositions];
