import { clubSettings, rowsOf, type Tx, tenants, withTenant } from "@clubhouse/db";
import { eq, sql } from "drizzle-orm";
import { audit } from "../audit.ts";
import type { ServiceContext } from "../deps.ts";
import { NotFound, RuleViolation } from "../errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { toFen, toYuan } from "../money.ts";

export interface SettingsPatch {
  timezone?: string | undefined;
  tierA?: number | undefined;
  tierB?: number | undefined;
  cadence?: { A?: number | undefined; B?: number | undefined; C?: number | undefined } | undefined;
  alarmGraceDays?: number | undefined;
  businessLines?: string[] | undefined;
  visitRadiusM?: number | undefined;
  positionRetentionDays?: number | undefined;
}

export async function readSettings(tx: Tx) {
  const [row] = await tx
    .select({ s: clubSettings, t: tenants })
    .from(clubSettings)
    .innerJoin(tenants, eq(tenants.id, clubSettings.tenantId));
  if (!row) throw new NotFound("club");
  return {
    timezone: row.t.timezone,
    tierA: toYuan(row.s.tierAFen),
    tierB: toYuan(row.s.tierBFen),
    cadence: { A: row.s.cadenceA, B: row.s.cadenceB, C: row.s.cadenceC },
    alarmGraceDays: row.s.alarmGraceDays,
    businessLines: row.s.businessLines,
    visitRadiusM: row.s.visitRadiusM,
    positionRetentionDays: row.s.positionRetentionDays,
  };
}

/** The club's rules in storage units (fen), for services. */
export interface ClubRules {
  timezone: string;
  tiers: { A: number; B: number };
  cadence: { A: number; B: number; C: number };
  alarmGraceDays: number;
  businessLines: string[];
  /** docs/verified-visits.md: metres around a customer's pin that count as on site */
  visitRadiusM: number;
}

/**
 * The club's rules, read by nearly every write and many reads: one raw statement of the
 * columns the rules need (the query builder took several times the database's time to
 * build and map a join of every column of both tables). Money (bigint) comes back as
 * text from postgres.js and as a number from PGlite.
 */
export async function readClubRules(tx: Tx): Promise<ClubRules> {
  const [row] = rowsOf<{
    timezone: string;
    tier_a_fen: string | number;
    tier_b_fen: string | number;
    cadence_a: number;
    cadence_b: number;
    cadence_c: number;
    alarm_grace_days: number;
    business_lines: string[];
    visit_radius_m: number;
  }>(
    await tx.execute(sql`
      select t.timezone, s.tier_a_fen, s.tier_b_fen, s.cadence_a, s.cadence_b, s.cadence_c, s.alarm_grace_days, s.business_lines,
        s.visit_radius_m
      from ${clubSettings} s join ${tenants} t on t.id = s.tenant_id`),
  );
  if (!row) throw new NotFound("club");
  return {
    timezone: row.timezone,
    tiers: { A: Number(row.tier_a_fen), B: Number(row.tier_b_fen) },
    cadence: { A: row.cadence_a, B: row.cadence_b, C: row.cadence_c },
    alarmGraceDays: row.alarm_grace_days,
    businessLines: row.business_lines,
    visitRadiusM: row.visit_radius_m,
  };
}

export function getSettings(ctx: ServiceContext) {
  return withTenant(ctx.deps.database, ctx.tenantId, (tx) => readSettings(tx));
}

export async function updateSettings(ctx: ServiceContext, patch: SettingsPatch) {
  const after = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const before = await readSettings(tx);
    const tierA = patch.tierA ?? before.tierA;
    const tierB = patch.tierB ?? before.tierB;
    // 第五条 三.3: A ≥ tierA > B ≥ tierB > C; the bands must not overlap.
    if (tierB >= tierA) throw new RuleViolation("tierB must be below tierA.", { tierB: fieldIssue("below_tier_a", "must be below tierA") });
    const cadence = { ...before.cadence, ...Object.fromEntries(Object.entries(patch.cadence ?? {}).filter(([, v]) => v !== undefined)) };
    await tx
      .update(clubSettings)
      .set({
        tierAFen: toFen(tierA),
        tierBFen: toFen(tierB),
        cadenceA: cadence.A,
        cadenceB: cadence.B,
        cadenceC: cadence.C,
        alarmGraceDays: patch.alarmGraceDays ?? before.alarmGraceDays,
        businessLines: patch.businessLines ?? before.businessLines,
        visitRadiusM: patch.visitRadiusM ?? before.visitRadiusM,
        positionRetentionDays: patch.positionRetentionDays ?? before.positionRetentionDays,
        updatedAt: ctx.deps.clock.now(),
      })
      .where(eq(clubSettings.tenantId, ctx.tenantId));
    if (patch.timezone) await tx.update(tenants).set({ timezone: patch.timezone }).where(eq(tenants.id, ctx.tenantId));
    const after = await readSettings(tx);
    await audit(tx, ctx.tenantId, ctx.actor, "settings.updated", "club_settings", ctx.tenantId, { before, after });
    return after;
  });
  // the time zone decides which month is current on every board
  await ctx.deps.live.boardChanged(ctx.tenantId);
  return after;
}
