import {
  type CustomerStatus,
  customers,
  jobRuns,
  monthResults,
  repMonthContacts,
  repMonthTotals,
  rowsOf,
  type Tx,
  targets,
  users,
  withTenant,
} from "@clubhouse/db";
import { and, asc, eq, inArray, lt, lte, notExists, sql } from "drizzle-orm";
import { actorId } from "../access/actor.ts";
import { repInScope, scopeOf } from "../access/scope.ts";
import { raiseAlarm } from "../alarms/service.ts";
import { checksOf, monthCheckColumns } from "../contacts/checks.ts";
import type { ServiceContext } from "../deps.ts";
import { RuleViolation } from "../errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { toYuan } from "../money.ts";
import { alarmNotices, enqueueNotifications } from "../notify/index.ts";
import type { Announced, LivePayload } from "../realtime/event-table.ts";
import { publishCommitted } from "../realtime/outbox.ts";
import {
  type CloseReason,
  type CustomerStatusHistory,
  churnRate,
  closeMonth,
  type Outcome,
  type RepMonth,
  type StatusChange,
} from "../regulation/month-close.ts";
import { attainment } from "../regulation/pace.ts";
import { clubClock } from "../settings/club-now.ts";
import { type ClubMonth, monthRange } from "../time/club-time.ts";
import { claimJobRun } from "../writes/job-run.ts";
import { CLOSE_JOB, isMonthClosed, lockQuotas } from "./read.ts";

/**
 * Month close (docs/regulation.md, 第六条 2②⑵). A club month with targets is closed once — by a
 * manager or by the job after it ends — recorded as job_runs(month-close, M) in the
 * same transaction as its results, so a crash leaves it unclosed and a second run
 * (another process, a restart, a double click) reads the stored results instead.
 *
 * The ladder reads the rep's stored history of closed months, so months close in
 * order: closing M first closes every earlier month that has targets and is not
 * closed yet, oldest first. Everything up to the latest closed month is final: its
 * targets can no longer change, and later revenue corrections move the totals
 * (quota, leaderboard) but not the stored results.
 */

const REPORT_TO: Record<Exclude<Outcome, "ok">, { zh: string; to: string }> = {
  warning: { zh: "通报批评", to: "HR" },
  removal: { zh: "不再聘用", to: "the GM office" },
};

type ResultRow = typeof monthResults.$inferSelect;

export function presentResult(r: ResultRow, name: string | null) {
  return {
    repId: r.repId,
    name,
    month: r.month,
    target: r.targetFen === null ? null : toYuan(r.targetFen),
    achieved: toYuan(r.achievedFen),
    attainment: r.attainment,
    churnRate: r.churnRate,
    outcome: (r.outcome ?? "ok") as Outcome,
    reasons: r.reasons as CloseReason[],
    departmentBonusSuspended: r.departmentBonusSuspended,
    closedAt: r.closedAt.toISOString(),
    closedBy: r.closedBy,
  };
}
export type MonthResultView = ReturnType<typeof presentResult>;

/**
 * The customers of each rep for churn at month M: those the rep owned at the end
 * of M (customer_owners), with their status history up to then. The 12-month
 * window itself is the pure churnRate's business.
 */
async function churnByRep(tx: Tx, repIds: string[], month: ClubMonth, tz: string): Promise<Map<string, number>> {
  const end = monthRange(month, tz).end.toISOString();
  const rows = rowsOf<{ rep_id: string; customer_id: string; kind: "group" | "individual"; status: CustomerStatus; at: string | Date }>(
    await tx.execute(sql`
      with owner_at_end as (
        select distinct on (o.customer_id) o.customer_id, o.owner_id
        from customer_owners o where o.from_at < ${end}::timestamptz
        order by o.customer_id, o.from_at desc
      )
      select w.owner_id as rep_id, c.id as customer_id, c.kind, h.to_status as status, h.at
      from owner_at_end w
      join ${customers} c on c.id = w.customer_id
      join customer_status_history h on h.customer_id = c.id and h.at < ${end}::timestamptz
      order by c.id, h.at`),
  );
  const wanted = new Set(repIds);
  const perRep = new Map<string, Map<string, CustomerStatusHistory & { changes: StatusChange[] }>>();
  for (const r of rows) {
    if (!wanted.has(r.rep_id)) continue;
    const mine = perRep.get(r.rep_id) ?? new Map();
    perRep.set(r.rep_id, mine);
    const c = mine.get(r.customer_id) ?? { customerId: r.customer_id, kind: r.kind, changes: [] };
    c.changes.push({ at: new Date(r.at), status: r.status });
    mine.set(r.customer_id, c);
  }
  const rates = new Map<string, number>();
  for (const id of repIds) rates.set(id, churnRate([...(perRep.get(id)?.values() ?? [])], month, tz).rate);
  return rates;
}

/** To managers and the rep (the table of events says so). */
function closeEvents<K extends "quota:alarm" | "standing:changed">(event: K, payload: LivePayload<K>) {
  return [{ event, payload } as Announced];
}

/**
 * Closes one month with targets if nobody has (caller holds lockQuotas); events of
 * what it stored go to `out`. A month without targets has nothing to judge and is
 * not claimed, so history can still be entered for it until a later month closes.
 */
async function closeOne(tx: Tx, ctx: ServiceContext, month: ClubMonth, now: Date, tz: string, out: Announced[]) {
  const due = await tx.select({ repId: targets.repId, fen: targets.amountFen }).from(targets).where(eq(targets.month, month));
  if (due.length === 0) return;
  if (!(await claimJobRun(tx, ctx.tenantId, CLOSE_JOB, month, now))) return;
  const repIds = due.map((d) => d.repId).sort();
  const totals = await tx
    .select({ repId: repMonthTotals.repId, fen: repMonthTotals.amountFen })
    .from(repMonthTotals)
    .where(and(eq(repMonthTotals.month, month), inArray(repMonthTotals.repId, repIds)));
  const achieved = new Map(totals.map((t) => [t.repId, t.fen]));
  const history = await tx
    .select({
      repId: monthResults.repId,
      month: monthResults.month,
      attainment: monthResults.attainment,
      churnRate: monthResults.churnRate,
    })
    .from(monthResults)
    .where(and(inArray(monthResults.repId, repIds), lt(monthResults.month, month)))
    .orderBy(asc(monthResults.month));
  const churn = await churnByRep(tx, repIds, month, tz);
  const closedBy = actorId(ctx.actor);
  for (const d of due.sort((a, b) => (a.repId < b.repId ? -1 : 1))) {
    const achievedFen = achieved.get(d.repId) ?? 0;
    const rate = churn.get(d.repId) ?? 0;
    const records: RepMonth[] = history
      .filter((h) => h.repId === d.repId)
      .map((h) => ({ month: h.month, attainment: h.attainment, churnRate: h.churnRate }));
    records.push({ month, attainment: attainment(achievedFen, d.fen), churnRate: rate });
    const closed = closeMonth(records, month);
    const values = {
      tenantId: ctx.tenantId,
      repId: d.repId,
      month,
      targetFen: d.fen,
      achievedFen,
      attainment: closed.attainment,
      churnRate: rate,
      outcome: closed.outcome ?? "ok",
      reasons: closed.reasons,
      departmentBonusSuspended: closed.departmentBonusSuspended,
      closedAt: now,
      closedBy,
    };
    const [row] = await tx
      .insert(monthResults)
      .values(values)
      .onConflictDoUpdate({ target: [monthResults.tenantId, monthResults.repId, monthResults.month], set: values })
      .returning();
    const outcome = closed.outcome;
    if (outcome === "warning" || outcome === "removal") {
      const r = REPORT_TO[outcome];
      const alarm = await raiseAlarm(tx, ctx.tenantId, {
        key: `close:${d.repId}:${month}`,
        kind: outcome,
        repId: d.repId,
        level: outcome,
        message: `${r.zh} (${outcome}) for ${month}, report to ${r.to}: ${closed.reasons.map((x) => x.message).join("; ")}`,
        data: { month, outcome, attainment: closed.attainment, churnRate: rate, reasons: closed.reasons, reportTo: r.to },
        at: now,
      });
      await enqueueNotifications(tx, ctx.tenantId, alarmNotices(alarm));
      if (alarm) {
        out.push(
          ...closeEvents("quota:alarm", {
            id: alarm.id,
            repId: d.repId,
            level: outcome,
            kind: outcome,
            at: now.toISOString(),
            month,
            message: alarm.message,
            reasons: closed.reasons,
          }),
        );
      }
    }
    out.push(
      ...closeEvents("standing:changed", {
        repId: d.repId,
        month,
        outcome: row!.outcome,
        departmentBonusSuspended: row!.departmentBonusSuspended,
      }),
    );
  }
}

/** The stored results of a closed month, by rep name; a rep sees only their own. */
async function readResults(tx: Tx, ctx: ServiceContext, month: ClubMonth) {
  const rows = await tx
    .select({ r: monthResults, name: users.name, checks: monthCheckColumns })
    .from(monthResults)
    .leftJoin(users, eq(users.id, monthResults.repId))
    .leftJoin(repMonthContacts, and(eq(repMonthContacts.repId, monthResults.repId), eq(repMonthContacts.month, monthResults.month)))
    .where(and(eq(monthResults.month, month), repInScope(scopeOf(ctx), monthResults.repId)))
    .orderBy(asc(users.name), asc(monthResults.repId));
  return rows.map((x) => ({ ...presentResult(x.r, x.name), checks: checksOf(x.checks) }));
}

/**
 * How many of a month's stored results are ok, warnings and removals (a rep counts
 * their own only), counted by the database, so a screen shows them before any filter.
 */
async function outcomeCounts(tx: Tx, ctx: ServiceContext, month: ClubMonth) {
  const rows = await tx
    .select({ outcome: sql<Outcome>`coalesce(${monthResults.outcome}, 'ok')`, n: sql<number>`count(*)::int` })
    .from(monthResults)
    .where(and(eq(monthResults.month, month), repInScope(scopeOf(ctx), monthResults.repId)))
    .groupBy(sql`1`);
  const counts: Record<Outcome, number> = { ok: 0, warning: 0, removal: 0 };
  for (const r of rows) counts[r.outcome] = Number(r.n);
  return counts;
}

/**
 * Closes club month M (and any earlier month with targets still open) and returns
 * M's stored results. Refused (422) until M has ended in club time.
 */
export async function closeMonths(ctx: ServiceContext, month: ClubMonth) {
  const events: Announced[] = [];
  const { results, counts } = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const clock = await clubClock(tx, ctx);
    const end = monthRange(month, clock.tz).end;
    if (end.getTime() > clock.now.getTime()) {
      throw new RuleViolation(`${month} has not ended yet in club time; it can be closed from ${end.toISOString()}.`, {
        month: fieldIssue("month_not_ended", "has not ended yet", { month, from: end.toISOString() }),
      });
    }
    await lockQuotas(tx, ctx.tenantId);
    const open = await tx
      .selectDistinct({ month: targets.month })
      .from(targets)
      .where(
        and(
          lt(targets.month, month),
          notExists(
            tx
              .select({ one: sql`1` })
              .from(jobRuns)
              .where(and(eq(jobRuns.job, CLOSE_JOB), eq(jobRuns.period, targets.month))),
          ),
        ),
      )
      .orderBy(asc(targets.month));
    for (const m of [...open.map((o) => o.month), month]) await closeOne(tx, ctx, m, clock.now, clock.tz, events);
    return { results: await readResults(tx, ctx, month), counts: await outcomeCounts(tx, ctx, month) };
  });
  if (events.length > 0) {
    publishCommitted(ctx.deps, ctx.tenantId, events);
    await ctx.deps.live.boardChanged(ctx.tenantId);
  }
  return { month, results, counts };
}

/** GET /months/:month/results: stored results; `closed` false while nobody closed it. */
export async function monthResultsFor(ctx: ServiceContext, month: ClubMonth) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const [run] = await tx
      .select({ at: jobRuns.ranAt })
      .from(jobRuns)
      .where(and(eq(jobRuns.job, CLOSE_JOB), eq(jobRuns.period, month)));
    return {
      month,
      closed: await isMonthClosed(tx, month),
      closedAt: run?.at.toISOString() ?? null,
      results: await readResults(tx, ctx, month),
      counts: await outcomeCounts(tx, ctx, month),
    };
  });
}

/** Every stored result of a rep up to a month, oldest first (standing). */
export async function repHistory(tx: Tx, repId: string, upTo: ClubMonth) {
  return tx
    .select()
    .from(monthResults)
    .where(and(eq(monthResults.repId, repId), lte(monthResults.month, upTo)))
    .orderBy(asc(monthResults.month));
}
