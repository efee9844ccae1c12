import { jobRuns, repMonthTotals, type Tx, targets, users } from "@clubhouse/db";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { NotFound } from "../errors.ts";
import { toYuan } from "../money.ts";
import { onePer } from "../one-per.ts";
import { type PaceLevel, paceLevel } from "../regulation/pace.ts";
import type { ClubClock } from "../settings/club-now.ts";
import { type ClubMonth, dayOfMonthOf, elapsedFractionOfMonth } from "../time/club-time.ts";

/**
 * Reads shared by quotas, the month close, standing, leaderboard and awards:
 * reps, summed targets and maintained revenue totals, and the live pace.
 */

/** The job_runs name that marks a club month closed (by a manager or the automatic job). */
export const CLOSE_JOB = "month-close";

export interface RepRow {
  id: string;
  name: string;
  role: string;
  disabledAt: Date | null;
  /** the team the rep is in now (null: none) */
  teamId: string | null;
}

/** Users with the rep role (in this club: RLS), by name. */
export async function loadReps(tx: Tx): Promise<RepRow[]> {
  return tx
    .select({ id: users.id, name: users.name, role: users.role, disabledAt: users.disabledAt, teamId: users.teamId })
    .from(users)
    .where(eq(users.role, "rep"))
    .orderBy(asc(users.name), asc(users.id));
}

/** A rep of this club, or 404 (another club's id, a manager's id and a made-up id all look alike). */
export async function loadRep(tx: Tx, repId: string): Promise<RepRow> {
  const [rep] = await tx
    .select({ id: users.id, name: users.name, role: users.role, disabledAt: users.disabledAt, teamId: users.teamId })
    .from(users)
    .where(and(eq(users.id, repId), eq(users.role, "rep")));
  if (!rep) throw new NotFound("rep");
  return rep;
}

/** Names of any users (reps that became managers keep their history). */
export async function userNames(tx: Tx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Per rep, `add` folded from `zero()` over the rows whose month is in `period`. */
export function sumByRep<R extends { repId: string; month: string }, S>(
  rows: readonly R[],
  period: readonly ClubMonth[],
  zero: () => S,
  add: (sum: S, row: R) => S,
): Map<string, S> {
  const within = new Set<string>(period);
  const out = new Map<string, S>();
  for (const r of rows) if (within.has(r.month)) out.set(r.repId, add(out.get(r.repId) ?? zero(), r));
  return out;
}

/**
 * Per rep, targets (fen, and how many months had one) and maintained revenue totals
 * (never the ledger) summed over any period within `months`, from one read of each
 * table's (rep, month) rows: the live boards need the month, quarter and year at once.
 */
export async function monthFigures(tx: Tx, months: ClubMonth[]) {
  const [t, r] = await Promise.all([
    tx.select({ repId: targets.repId, month: targets.month, fen: targets.amountFen }).from(targets).where(inArray(targets.month, months)),
    tx
      .select({ repId: repMonthTotals.repId, month: repMonthTotals.month, fen: repMonthTotals.amountFen })
      .from(repMonthTotals)
      .where(inArray(repMonthTotals.month, months)),
  ]);
  return {
    targetSums: (period: ClubMonth[]) =>
      sumByRep(
        t,
        period,
        () => ({ fen: 0, months: 0 }),
        (s, x) => ({ fen: s.fen + Number(x.fen), months: s.months + 1 }),
      ),
    revenueSums: (period: ClubMonth[]) =>
      sumByRep(
        r,
        period,
        () => 0,
        (s, x) => s + Number(x.fen),
      ),
  };
}

/** monthFigures for the one period `months`: the sums of targets and of revenue per rep. */
export async function periodSums(tx: Tx, months: ClubMonth[]) {
  const figures = await monthFigures(tx, months);
  return { tsums: figures.targetSums(months), rsums: figures.revenueSums(months) };
}

/** The latest club month closed with results (null: none yet). */
export async function latestClosedMonth(tx: Tx): Promise<ClubMonth | null> {
  const [row] = await tx
    .select({ p: sql<string | null>`max(${jobRuns.period})` })
    .from(jobRuns)
    .where(eq(jobRuns.job, CLOSE_JOB));
  return row?.p ?? null;
}

/**
 * A month is closed when it, or any later month, was closed: the ladder of every
 * later month was built on it, so nothing at or before the latest close may change.
 */
export async function isMonthClosed(tx: Tx, month: ClubMonth): Promise<boolean> {
  const latest = await latestClosedMonth(tx);
  return latest !== null && month <= latest;
}

/**
 * Serialises target writes and month closes of one club (transaction-scoped), so a
 * target can never slip in behind a close that is being computed. Both are rare.
 */
export async function lockQuotas(tx: Tx, tenantId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${quotasLockKey(tenantId)}, 0))`);
}

/**
 * lockQuotas' shared side, for revenue dated before the current month: such writes
 * do not wait for each other, but a month close waits for them and they for it, so
 * an entry can never land in a month while that month is being closed.
 */
export async function lockQuotasShared(tx: Tx, tenantId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock_shared(hashtextextended(${quotasLockKey(tenantId)}, 0))`);
}

const quotasLockKey = (tenantId: string) => `quotas:${tenantId}`;

// ── pace ─────────────────────────────────────────────────────────────────────

export interface PaceView {
  month: ClubMonth;
  achieved: number;
  target: number | null;
  /** share of the month elapsed in club time, 0–1 */
  elapsed: number;
  /** achieved ÷ (target × elapsed), null without a target or before time has run */
  pace: number | null;
  level: PaceLevel | null;
  /** the alarms wait this many club days into the month */
  graceDays: number;
}

/** How far the clock's month has run: the same for every rep, so worked out once per clock (time-zone maths is not cheap). */
const monthProgress = onePer((clock: ClubClock) => ({
  elapsed: elapsedFractionOfMonth(clock.now, clock.month, clock.tz),
  dayOfMonth: dayOfMonthOf(clock.now, clock.tz),
}));

/** The live pace of one rep for the current month, from the pure `paceLevel`. */
export function paceView(clock: ClubClock, achievedFen: number, targetFen: number | null): PaceView {
  const { elapsed, dayOfMonth } = monthProgress(clock);
  const level = paceLevel({
    achievedFen,
    targetFen,
    elapsedFraction: elapsed,
    dayOfMonth,
    graceDays: clock.graceDays,
  });
  const pace = targetFen !== null && targetFen > 0 && elapsed > 0 ? achievedFen / (targetFen * elapsed) : null;
  return {
    month: clock.month,
    achieved: toYuan(achievedFen),
    target: targetFen === null ? null : toYuan(targetFen),
    elapsed,
    pace,
    level,
    graceDays: clock.graceDays,
  };
}
