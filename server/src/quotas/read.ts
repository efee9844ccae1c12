import { jobRuns, rowsOf, type Tx, users } from "@clubhouse/db";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { NotFound } from "../errors.ts";
import { toYuan } from "../money.ts";
import { onePer } from "../one-per.ts";
import { type PaceLevel, paceLevel } from "../regulation/pace.ts";
import type { ClubClock } from "../settings/club-now.ts";
import { type ClubMonth, dayOfMonthOf, elapsedFractionOfMonth, nextMonth } from "../time/club-time.ts";

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
export async function loadReps(tx: Tx, only?: readonly string[]): Promise<RepRow[]> {
  if (only?.length === 0) return [];
  return tx
    .select({ id: users.id, name: users.name, role: users.role, disabledAt: users.disabledAt, teamId: users.teamId })
    .from(users)
    .where(and(eq(users.role, "rep"), only ? inArray(users.id, [...only]) : undefined))
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

/** The key a period (its months, in order) is looked up by. */
const periodKey = (period: readonly ClubMonth[]) => period.join(",");

/**
 * Per rep, the sum of each of `columns` of `table`'s (rep, month) rows and how many
 * rows there were, over each period of `periods` (lists of months) — summed by
 * PostgreSQL in one read, one row per rep (the live boards ask for the month, the
 * quarter and the year at once: 500 reps × 12 months would be 6,000 rows to carry
 * and fold here for 500). Row-level security keeps it to the club. A rep appears in a
 * period's sums only when it has a row in that period, as when the rows were folded.
 * With `reps`, only those reps' rows are read (a live board re-reading the reps a write
 * touched: mergeSums).
 */
export async function sumsByRepAndPeriod(
  tx: Tx,
  table: string,
  columns: readonly string[],
  periods: readonly (readonly ClubMonth[])[],
  reps?: readonly string[],
): Promise<Map<string, Map<string, number[]>>> {
  const all = [...new Set(periods.flat())];
  const out = new Map<string, Map<string, number[]>>(periods.map((p) => [periodKey(p), new Map()]));
  if (all.length === 0 || reps?.length === 0) return out;
  const list = (values: readonly string[]) =>
    sql.join(
      values.map((m) => sql`${m}`),
      sql`, `,
    );
  // A period of consecutive months (a month, a quarter, a year: every caller's) is a
  // range, two comparisons; each row's membership is worked out once, not per sum.
  const within = (months: readonly ClubMonth[]) => {
    const sorted = [...months].sort();
    const consecutive = sorted.every((m, k) => k === 0 || m === nextMonth(sorted[k - 1]!));
    return consecutive ? sql`(month >= ${sorted[0]!} and month <= ${sorted.at(-1)!})` : sql`(month in (${list(months)}))`;
  };
  const flags = periods.map((p, i) => sql`${within(p)} as ${sql.identifier(`p${i}`)}`);
  const picks = periods.flatMap((_, i) => {
    const p = sql.identifier(`p${i}`);
    return [
      sql`count(*) filter (where ${p})::int as ${sql.identifier(`n${i}`)}`,
      ...columns.map((c, j) => sql`coalesce(sum(${sql.identifier(c)}) filter (where ${p}), 0)::bigint as ${sql.identifier(`s${i}_${j}`)}`),
    ];
  });
  const cols = sql.join(
    columns.map((c) => sql.identifier(c)),
    sql`, `,
  );
  const rows = rowsOf<Record<string, unknown>>(
    await tx.execute(
      sql`select rep_id, ${sql.join(picks, sql`, `)} from (select rep_id, ${cols}, ${sql.join(flags, sql`, `)} from ${sql.identifier(table)} where ${within(all)}${reps ? sql` and rep_id in (${list(reps)})` : sql``}) x group by rep_id`,
    ),
  );
  const reads = periods.map((p, i) => ({
    n: `n${i}`,
    sums: columns.map((_, j) => `s${i}_${j}`),
    into: out.get(periodKey(p))!,
  }));
  for (const r of rows) {
    const rep = String(r.rep_id);
    for (const read of reads) {
      const n = Number(r[read.n]);
      if (n === 0) continue;
      const v = [n];
      for (const c of read.sums) v.push(Number(r[c]));
      read.into.set(rep, v);
    }
  }
  return out;
}

/**
 * `before` (sumsByRepAndPeriod's answer) with the sums of `reps` replaced by `fresh`'s (a
 * read of those reps only): a rep absent from a period of `fresh` has no rows there now.
 * `before` is left as it was.
 */
export function mergeSums(
  before: Map<string, Map<string, number[]>>,
  fresh: Map<string, Map<string, number[]>>,
  reps: Iterable<string>,
): Map<string, Map<string, number[]>> {
  const out = new Map<string, Map<string, number[]>>();
  for (const [key, sums] of before) {
    const now = fresh.get(key);
    if (!now) throw new Error(`period ${key} was not read again`);
    out.set(key, replaceReps(sums, now, reps));
  }
  return out;
}

/** A copy of `before` whose entries for `reps` are `fresh`'s (a read of those reps only): a rep `fresh` lacks has none now. */
export function replaceReps<V>(before: ReadonlyMap<string, V>, fresh: ReadonlyMap<string, V>, reps: Iterable<string>): Map<string, V> {
  const out = new Map(before);
  for (const rep of reps) {
    const v = fresh.get(rep);
    if (v !== undefined) out.set(rep, v);
    else out.delete(rep);
  }
  return out;
}

/**
 * One period's sums from sumsByRepAndPeriod, each rep's turned into `T` by `of` (its row
 * count first, then its columns' sums), worked out once per period asked for. A period
 * that was not read is a programming error.
 */
export function perPeriod<T>(sums: Map<string, Map<string, number[]>>, of: (v: number[]) => T) {
  const made = new Map<string, Map<string, T>>();
  return (period: readonly ClubMonth[]): Map<string, T> => {
    const key = periodKey(period);
    const known = made.get(key);
    if (known) return known;
    const read = sums.get(key);
    if (!read) throw new Error(`period ${key} was not read`);
    const m = new Map([...read].map(([rep, v]) => [rep, of(v)] as const));
    made.set(key, m);
    return m;
  };
}

/**
 * Per rep, targets (fen, and how many months had one) and maintained revenue totals
 * (never the ledger) summed over each period of `periods`, from one aggregated read of
 * each table: the live boards need the month, quarter and year at once.
 */
export async function monthFigures(tx: Tx, periods: readonly (readonly ClubMonth[])[], reps?: readonly string[]) {
  const [t, r] = await Promise.all([
    sumsByRepAndPeriod(tx, "targets", ["amount_fen"], periods, reps),
    sumsByRepAndPeriod(tx, "rep_month_totals", ["amount_fen"], periods, reps),
  ]);
  return figuresOf(t, r);
}

/** monthFigures from the two tables' sums (sumsByRepAndPeriod). */
export function figuresOf(t: Map<string, Map<string, number[]>>, r: Map<string, Map<string, number[]>>) {
  return {
    targetSums: perPeriod(t, ([n, fen]) => ({ fen: fen!, months: n! })),
    revenueSums: perPeriod(r, ([, fen]) => fen!),
  };
}

/** monthFigures for the one period `months`: the sums of targets and of revenue per rep (with `reps`, those reps' only). */
export async function periodSums(tx: Tx, months: ClubMonth[], reps?: readonly string[]) {
  const figures = await monthFigures(tx, [months], reps);
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
