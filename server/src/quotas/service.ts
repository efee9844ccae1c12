import { type Tx, targets, teams, users, withTenant } from "@clubhouse/db";
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { actorId } from "../access/actor.ts";
import { actsAsManager, assertRepInScope, repIdsInScope, repInScope, scopeOf, teamOfLead } from "../access/scope.ts";
import { audit } from "../audit.ts";
import { type Checks, checksOf, monthChecks } from "../contacts/checks.ts";
import type { ServiceContext } from "../deps.ts";
import { NotFound, RuleViolation } from "../errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { cursorPart, decodeCursor, page } from "../http/paging.ts";
import { toFen, toYuan } from "../money.ts";
import { attainment } from "../regulation/pace.ts";
import { yearEnd } from "../regulation/year-end.ts";
import { type ClubClock, clubClock } from "../settings/club-now.ts";
import { type ClubMonth, type ClubYear, monthRange, monthsOfYear, yearOf } from "../time/club-time.ts";
import { evaluatePace } from "./pace.ts";
import { isMonthClosed, loadRep, loadReps, lockQuotas, paceView, periodSums, type RepRow } from "./read.ts";

// ── targets ──────────────────────────────────────────────────────────────────

function presentTarget(t: typeof targets.$inferSelect, name: string) {
  return {
    repId: t.repId,
    name,
    month: t.month,
    amount: toYuan(t.amountFen),
    setBy: t.setBy,
    setAt: t.setAt.toISOString(),
  };
}

/**
 * A manager sets a rep's monthly target (第六条 2②: 根据本俱乐部下达的任务指标).
 * A closed month's targets are final: its outcomes were reported and the ladder
 * of later months was built on them.
 */
export async function setTarget(ctx: ServiceContext, repId: string, month: ClubMonth, amount: number) {
  const { view, current } = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    await assertRepInScope(tx, scopeOf(ctx), repId); // a team lead sets their team's reps' targets only
    const rep = await loadRep(tx, repId);
    await lockOpenMonth(tx, ctx, month);
    const clock = await clubClock(tx, ctx);
    const [before] = await tx
      .select()
      .from(targets)
      .where(and(eq(targets.repId, repId), eq(targets.month, month)));
    const [row] = await tx
      .insert(targets)
      .values({ tenantId: ctx.tenantId, repId, month, amountFen: toFen(amount), setBy: actorId(ctx.actor), setAt: clock.now })
      .onConflictDoUpdate({
        target: [targets.tenantId, targets.repId, targets.month],
        set: { amountFen: toFen(amount), setBy: actorId(ctx.actor), setAt: clock.now },
      })
      .returning();
    await audit(tx, ctx.tenantId, ctx.actor, "target.set", "target", repId, {
      month,
      before: before ? toYuan(before.amountFen) : null,
      after: amount,
    });
    return { view: presentTarget(row!, rep.name), current: month === clock.month };
  });
  await ctx.deps.live.boardChanged(ctx.tenantId);
  // a new target changes the pace at once: re-judge the alarm now rather than at the next tick
  if (current) await evaluatePace(ctx, [repId]).catch((err) => ctx.deps.logger.warn({ err }, "pace re-evaluation failed"));
  return view;
}

/** Every target write: under the quotas lock, and refused for a closed month (its targets are final). */
async function lockOpenMonth(tx: Tx, ctx: ServiceContext, month: ClubMonth) {
  await lockQuotas(tx, ctx.tenantId);
  if (await isMonthClosed(tx, month)) {
    throw new RuleViolation(`${month} is closed (months up to the latest close are final); its targets cannot change.`, {
      month: fieldIssue("closed_month", "is closed", { month }),
    });
  }
}

/**
 * One target for every enabled rep of a team, in one transaction (all or none), by
 * the same rules as setTarget: a closed month refuses, a lead only for the team they
 * lead (another team answers 404, as if it did not exist), each rep's change audited.
 */
export async function setTeamTargets(ctx: ServiceContext, teamId: string, month: ClubMonth, amount: number) {
  const { items, current } = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const scope = scopeOf(ctx);
    if (scope.kind === "self") throw new NotFound("team");
    if (scope.kind === "team" && (await teamOfLead(tx, scope.leadId)) !== teamId) throw new NotFound("team");
    const [team] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId));
    if (!team) throw new NotFound("team");
    await lockOpenMonth(tx, ctx, month);
    const reps = await tx
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(and(eq(users.teamId, teamId), eq(users.role, "rep"), isNull(users.disabledAt)))
      .orderBy(asc(users.name), asc(users.id));
    if (reps.length === 0)
      throw new RuleViolation("This team has no active rep.", { teamId: fieldIssue("team_has_no_reps", "has no active rep") });
    const clock = await clubClock(tx, ctx);
    const ids = reps.map((r) => r.id);
    const before = new Map(
      (
        await tx
          .select({ repId: targets.repId, fen: targets.amountFen })
          .from(targets)
          .where(and(inArray(targets.repId, ids), eq(targets.month, month)))
      ).map((r) => [r.repId, r.fen]),
    );
    const set = { amountFen: toFen(amount), setBy: actorId(ctx.actor), setAt: clock.now };
    const rows = await tx
      .insert(targets)
      .values(ids.map((repId) => ({ tenantId: ctx.tenantId, repId, month, ...set })))
      .onConflictDoUpdate({ target: [targets.tenantId, targets.repId, targets.month], set })
      .returning();
    for (const r of reps) {
      const was = before.get(r.id);
      await audit(tx, ctx.tenantId, ctx.actor, "target.set", "target", r.id, {
        month,
        before: was === undefined ? null : toYuan(was),
        after: amount,
        teamId,
      });
    }
    const names = new Map(reps.map((r) => [r.id, r.name]));
    return { items: rows.map((row) => presentTarget(row, names.get(row.repId) ?? "")), current: month === clock.month };
  });
  await ctx.deps.live.boardChanged(ctx.tenantId);
  if (current)
    await evaluatePace(
      ctx,
      items.map((i) => i.repId),
    ).catch((err) => ctx.deps.logger.warn({ err }, "pace re-evaluation failed"));
  items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.repId < b.repId ? -1 : 1));
  return { teamId, month, amount, reps: items.length, items };
}

/** Targets of a month, or of a year per rep (a year's target is the sum of its months). Reps see their own. */
export async function listTargets(
  ctx: ServiceContext,
  q: { month?: ClubMonth | undefined; year?: ClubYear | undefined; limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor(q.cursor, [cursorPart.text, cursorPart.uuid]);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const clock = await clubClock(tx, ctx);
    const months = q.year ? monthsOfYear(q.year) : [q.month ?? clock.month];
    const rows = await tx
      .select({ t: targets, name: users.name })
      .from(targets)
      .innerJoin(users, eq(users.id, targets.repId))
      .where(
        and(
          inArray(targets.month, months),
          repInScope(scopeOf(ctx), targets.repId),
          after ? sql`(${users.name}, ${users.id}) > (${after[0]}, ${after[1]}::uuid)` : undefined,
        ),
      )
      .orderBy(asc(users.name), asc(users.id), asc(targets.month));
    // group per rep, then page over reps
    const byRep = new Map<string, { repId: string; name: string; months: ReturnType<typeof presentTarget>[] }>();
    for (const r of rows) {
      const g = byRep.get(r.t.repId) ?? { repId: r.t.repId, name: r.name, months: [] };
      g.months.push(presentTarget(r.t, r.name));
      byRep.set(r.t.repId, g);
    }
    const { items: pageReps, nextCursor } = page(
      [...byRep.values()],
      q.limit,
      (g) => g,
      (g) => [g.name, g.repId],
    );
    if (q.year) {
      return {
        year: q.year,
        items: pageReps.map((g) => ({
          repId: g.repId,
          name: g.name,
          target: toYuan(g.months.reduce((s, m) => s + toFen(m.amount), 0)),
          months: g.months.map((m) => ({ month: m.month, amount: m.amount, setBy: m.setBy, setAt: m.setAt })),
        })),
        nextCursor,
      };
    }
    return { month: months[0]!, items: pageReps.flatMap((g) => g.months), nextCursor };
  });
}

// ── quota ────────────────────────────────────────────────────────────────────

/** Who is on the quota board: every enabled rep, and anyone with a target or revenue in the period. */
function onBoard(rep: RepRow, targetFen: number | undefined, revenueFen: number | undefined) {
  return rep.disabledAt === null || targetFen !== undefined || (revenueFen ?? 0) !== 0;
}

/**
 * GET /quota: per rep, target, achieved (credited revenue from the maintained
 * totals), attainment and — for the current month only — the live pace level.
 */
export async function quotaFor(ctx: ServiceContext, month?: ClubMonth) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const clock = await clubClock(tx, ctx);
    const m = month ?? clock.month;
    const only = await repIdsInScope(tx, scopeOf(ctx));
    return { month: m, reps: await quotaRows(tx, ctx, clock, m, only) };
  });
}

/**
 * The quota rows of the reps in `only` (null: every rep), read for those reps alone: a
 * rep's own quota reads one rep's rows, not the whole club's (500 reps opening the app
 * at nine would otherwise each read all 500).
 */
async function quotaRows(tx: Tx, ctx: ServiceContext, clock: ClubClock, month: ClubMonth, only: Set<string> | null) {
  const ids = only ? [...only] : undefined;
  const [reps, { tsums, rsums }, checks] = await Promise.all([
    loadReps(tx, ids),
    periodSums(tx, [month], ids),
    monthChecks(tx, month, ids),
  ]);
  return quotaRowsFrom(ctx, clock, month, reps, tsums, rsums, checks).filter((r) => !only || only.has(r.repId));
}

/** quotaRows from reads already made (the live boards read the whole year at once). */
export function quotaRowsFrom(
  ctx: ServiceContext,
  clock: ClubClock,
  month: ClubMonth,
  reps: RepRow[],
  tsums: Map<string, { fen: number }>,
  rsums: Map<string, number>,
  /** each rep's visit checks in the month (docs/verified-visits.md) */
  checks: Map<string, Checks>,
) {
  const me = actorId(ctx.actor);
  const current = month === clock.month;
  const pastElapsed = current ? 0 : monthRange(month, clock.tz).end <= clock.now ? 1 : 0;
  return reps
    .filter((r) => (actsAsManager(ctx) ? true : r.id === me)) // a team lead's: narrowed by the caller (quotaFor)
    .filter((r) => onBoard(r, tsums.get(r.id)?.fen, rsums.get(r.id)))
    .map((r) => {
      const targetFen = tsums.get(r.id)?.fen ?? null;
      const achievedFen = rsums.get(r.id) ?? 0;
      const pace = current ? paceView(clock, achievedFen, targetFen) : null;
      return {
        repId: r.id,
        name: r.name,
        target: targetFen === null ? null : toYuan(targetFen),
        achieved: toYuan(achievedFen),
        attainment: attainment(achievedFen, targetFen),
        level: pace?.level ?? null,
        pace: pace?.pace ?? null,
        elapsed: current ? pace!.elapsed : pastElapsed,
        checks: checks.get(r.id) ?? checksOf(null),
      };
    });
}

/** The year's result per rep: annual attainment and the reserved-bonus forfeiture flag (第六条 2②⑴). */
export async function yearFor(ctx: ServiceContext, year?: ClubYear) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const clock = await clubClock(tx, ctx);
    const y = year ?? yearOf(clock.now, clock.tz);
    const months = monthsOfYear(y);
    const only = await repIdsInScope(tx, scopeOf(ctx));
    const ids = only ? [...only] : undefined;
    const [reps, { tsums, rsums }] = await Promise.all([loadReps(tx, ids), periodSums(tx, months, ids)]);
    const final = monthRange(months[11]!, clock.tz).end <= clock.now;
    return {
      year: y,
      final,
      reps: reps
        .filter((r) => only === null || only.has(r.id))
        .filter((r) => onBoard(r, tsums.get(r.id)?.fen, rsums.get(r.id)))
        .map((r) => yearRow(r, tsums.get(r.id)?.fen ?? null, rsums.get(r.id) ?? 0)),
    };
  });
}

export function yearRow(rep: { id: string; name: string }, targetFen: number | null, achievedFen: number) {
  const ye = yearEnd(achievedFen, targetFen === null ? [] : [targetFen]);
  return {
    repId: rep.id,
    name: rep.name,
    target: targetFen === null ? null : toYuan(targetFen),
    achieved: toYuan(achievedFen),
    attainment: ye.attainment,
    forfeitsReservedBonus: ye.forfeitsReservedBonus,
  };
}
