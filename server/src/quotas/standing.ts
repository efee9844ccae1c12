import { type monthResults, repMonthContacts, repMonthTotals, targets, withTenant } from "@clubhouse/db";
import { and, eq, inArray, lte, sql } from "drizzle-orm";
import { assertRepInScope, scopeOf } from "../access/scope.ts";
import { checksOf, monthCheckColumns } from "../contacts/checks.ts";
import type { ServiceContext } from "../deps.ts";
import { toYuan } from "../money.ts";
import { type CloseReason, type Outcome, suspensionAfter } from "../regulation/month-close.ts";
import { attainment } from "../regulation/pace.ts";
import { clubClock } from "../settings/club-now.ts";
import { monthsOfYear, yearOf } from "../time/club-time.ts";
import { presentResult, repHistory } from "./close.ts";
import { loadRep, paceView } from "./read.ts";
import { yearRow } from "./service.ts";

/** How many closed months the standing page lists, newest first. */
export const STANDING_MONTHS = 6;

/** The department bonus after the stored closes, with the month and reasons behind it. */
export function departmentBonus(history: readonly (typeof monthResults.$inferSelect)[]) {
  const s = suspensionAfter(
    history.map((r) => ({
      month: r.month,
      attainment: r.attainment,
      outcome: r.outcome as Outcome | null,
      reasons: r.reasons as CloseReason[],
    })),
  );
  if (!s.cause) return { suspended: false, since: null, cause: null, reason: null };
  const why = s.cause.reasons.map((x) => x.message).join("; ");
  return {
    suspended: true,
    since: s.since,
    cause: { month: s.cause.month, outcome: s.cause.outcome },
    reason:
      `Department bonus suspended since ${s.since} after the ${s.cause.outcome} of ${s.cause.month} (${why}); ` +
      "it is paid again from the first closed month that reaches 100% of target.",
  };
}

/**
 * A rep's standing (GET /reps/:id/standing): the current month's pace, the last
 * closed months with outcomes and reasons, the department bonus, and the year to
 * date with the reserved-bonus forfeiture flag. Reps read their own only.
 */
export async function repStanding(ctx: ServiceContext, repId: string) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    await assertRepInScope(tx, scopeOf(ctx), repId); // a rep's own, a team lead's team's (access/scope.ts)
    const rep = await loadRep(tx, repId);
    const clock = await clubClock(tx, ctx);
    const year = yearOf(clock.now, clock.tz);
    const months = monthsOfYear(year);
    const [t] = await tx
      .select({ fen: targets.amountFen })
      .from(targets)
      .where(and(eq(targets.repId, repId), eq(targets.month, clock.month)));
    const [a] = await tx
      .select({ fen: repMonthTotals.amountFen })
      .from(repMonthTotals)
      .where(and(eq(repMonthTotals.repId, repId), eq(repMonthTotals.month, clock.month)));
    const [yt] = await tx
      .select({ fen: sql<string | null>`sum(${targets.amountFen})` })
      .from(targets)
      .where(and(eq(targets.repId, repId), inArray(targets.month, months)));
    const [ya] = await tx
      .select({ fen: sql<string | null>`sum(${repMonthTotals.amountFen})` })
      .from(repMonthTotals)
      .where(and(eq(repMonthTotals.repId, repId), inArray(repMonthTotals.month, months)));
    const [tt] = await tx
      .select({ fen: sql<string | null>`sum(${targets.amountFen})` })
      .from(targets)
      .where(and(eq(targets.repId, repId), inArray(targets.month, months), lte(targets.month, clock.month)));
    const [ch] = await tx
      .select(monthCheckColumns)
      .from(repMonthContacts)
      .where(and(eq(repMonthContacts.repId, repId), eq(repMonthContacts.month, clock.month)));
    const history = await repHistory(tx, repId, clock.month);
    const bonus = departmentBonus(history);
    const { repId: _r, name: _n, ...ytd } = yearRow(rep, yt?.fen == null ? null : Number(yt.fen), Number(ya?.fen ?? 0));
    return {
      repId: rep.id,
      name: rep.name,
      // this month's visit checks beside its pace (docs/verified-visits.md)
      current: { ...paceView(clock, a?.fen ?? 0, t?.fen ?? null), checks: checksOf(ch) },
      closedMonths: history
        .slice(-STANDING_MONTHS)
        .reverse()
        .map((r) => presentResult(r, rep.name)),
      departmentBonus: bonus,
      // the flag judges the whole year's target: provisional (final false) until the year ends
      year: {
        year,
        final: false,
        ...ytd,
        toDate: {
          through: clock.month,
          target: tt?.fen == null ? null : toYuan(Number(tt.fen)),
          attainment: attainment(Number(ya?.fen ?? 0), tt?.fen == null ? null : Number(tt.fen)),
        },
      },
    };
  });
}
