import { revenueEntries, tenants, withTenant } from "@clubhouse/db";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { ServiceContext } from "../deps.ts";
import { NotFound, RuleViolation } from "../errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { toYuan } from "../money.ts";
import { periodSums, userNames } from "../quotas/read.ts";
import { type Award, type AwardCandidate, type CumulativeEntry, rankAwards, reachedTargetAt } from "../regulation/awards.ts";
import { clubClock } from "../settings/club-now.ts";
import { type ClubYear, monthRange, monthsOfYear, yearOf } from "../time/club-time.ts";

/**
 * Year-end awards (docs/regulation.md, 第六条 2①): 销售冠军、亚军、季军 among reps at 100% or
 * more of their annual target (the sum of the year's monthly targets), by annual
 * revenue; ties → higher attainment → who reached the annual target first.
 *
 * A finished club year gives the final podium; the current year a provisional one
 * (`final: false`, nobody is yet eligible for the two-year contract); a year that
 * has not started is refused (422).
 */

export type Place = "champion" | "runnerUp" | "third";
export const PLACES: Place[] = ["champion", "runnerUp", "third"];

export async function awardsFor(ctx: ServiceContext, year: ClubYear) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const clock = await clubClock(tx, ctx);
    const current = yearOf(clock.now, clock.tz);
    if (year > current)
      throw new RuleViolation(`${year} has not started yet in club time.`, { year: fieldIssue("year_not_started", "is in the future") });
    const months = monthsOfYear(year);
    const final = monthRange(months[11]!, clock.tz).end.getTime() <= clock.now.getTime();
    const { tsums, rsums } = await periodSums(tx, months);
    const names = await userNames(tx, [...tsums.keys()]);
    const candidates: AwardCandidate[] = [];
    for (const [repId, t] of tsums) {
      const revenueFen = rsums.get(repId) ?? 0;
      let reached: Date | null = null;
      if (t.fen > 0 && revenueFen >= t.fen) {
        // the tie-break needs the instant the running total reached the target for
        // good: the one ledger scan per eligible rep-year. Reversals carry their
        // original's occurredAt, so a reversed sale never counts as reaching it.
        const entries = await tx
          .select({ fen: revenueEntries.amountFen, at: revenueEntries.occurredAt })
          .from(revenueEntries)
          .where(and(eq(revenueEntries.repId, repId), inArray(revenueEntries.month, months)))
          .orderBy(asc(revenueEntries.occurredAt), asc(revenueEntries.createdAt), asc(revenueEntries.id));
        let running = 0;
        const cumulative: CumulativeEntry[] = entries.map((e) => {
          running += e.fen;
          return { at: e.at, cumulativeFen: running };
        });
        reached = reachedTargetAt(cumulative, t.fen);
      }
      candidates.push({ repId, name: names.get(repId) ?? "", revenueFen, targetFen: t.fen, reachedTargetAt: reached });
    }
    const podium = rankAwards(candidates);
    const byId = new Map(candidates.map((c) => [c.repId, c]));
    const present = (a: Award | null) =>
      a && {
        repId: a.repId,
        name: a.name,
        revenue: toYuan(a.revenueFen),
        attainment: a.attainment,
        target: toYuan(byId.get(a.repId)!.targetFen),
        reachedTargetAt: byId.get(a.repId)!.reachedTargetAt?.toISOString() ?? null,
        // 当年荣获销售冠军、亚军、季军的营销代表可与公司签订两年劳动合同
        twoYearContractEligible: final,
      };
    return {
      year,
      final,
      champion: present(podium.champion),
      runnerUp: present(podium.runnerUp),
      third: present(podium.third),
    };
  });
}

export async function clubName(ctx: ServiceContext) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const [t] = await tx.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, ctx.tenantId));
    return t?.name ?? "";
  });
}

/** The place a rep won in a finished year; 404 for anyone else (and 422 before the year ends). */
export async function certificateFor(ctx: ServiceContext, year: ClubYear, repId: string) {
  const awards = await awardsFor(ctx, year);
  if (!awards.final)
    throw new RuleViolation(`${year} is not over yet; certificates are printed after the year ends.`, {
      year: fieldIssue("year_not_over", "not over"),
    });
  const place = PLACES.find((p) => awards[p]?.repId === repId);
  const winner = place ? awards[place] : null;
  if (!place || !winner) throw new NotFound("award winner");
  return { place, winner, year, club: await clubName(ctx) };
}
