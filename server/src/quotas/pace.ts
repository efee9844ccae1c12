import { alarms, repMonthTotals, repPace, type Tx, targets, withTenant } from "@clubhouse/db";
import { and, asc, eq, inArray, isNotNull, isNull, like, notLike, sql } from "drizzle-orm";
import { type AlarmRow, raiseAlarm } from "../alarms/service.ts";
import type { Deps, ServiceContext } from "../deps.ts";
import { alarmNotices, enqueueNotifications } from "../notify/index.ts";
import { onePer } from "../one-per.ts";
import { Coalescer } from "../realtime/coalesce.ts";
import type { Announced } from "../realtime/event-table.ts";
import { publishCommitted } from "../realtime/outbox.ts";
import { alarmTransition, formatPercent, type PaceLevel } from "../regulation/pace.ts";
import { type ClubClock, clubClock } from "../settings/club-now.ts";
import { type PaceView, paceView } from "./read.ts";

/**
 * Live pace alarms (docs/regulation.md, 第六条 2②⑵): in the current club month, after the grace days,
 * pace = achieved ÷ (target × elapsed). rep_pace keeps each rep's last judged level;
 * a worse level raises an alarm, a better one clears it (the pure alarmTransition).
 *
 * Exactly-once comes from the rep_pace row lock, not from timing: every evaluator
 * (a revenue write, a target write, each job tick, in any process) locks the rep's
 * row, judges against the level stored there and stores the new one in the same
 * transaction, so a transition happens once however many evaluators race.
 */

const LEVEL_TEXT: Record<Exclude<PaceLevel, "ok">, string> = { "80": "under 80%", "60": "under 60%", "20": "under 20%" };

function paceKeyPrefix(repId: string, month: string) {
  return `pace:${repId}:${month}:`;
}

function alarmEvents(a: AlarmRow, kind: "raised" | "cleared", extra: Record<string, unknown> = {}): Announced[] {
  const payload = {
    id: a.id,
    repId: a.repId!,
    level: a.level,
    kind,
    at: (kind === "cleared" ? a.clearedAt! : a.raisedAt).toISOString(),
    alarm: a.kind,
    message: a.message,
    month: (a.data as { month?: string } | null)?.month ?? null,
    ...extra,
  };
  // to managers and the rep (event-table.ts)
  return [{ event: "quota:alarm", payload }];
}

function paceMessage(level: Exclude<PaceLevel, "ok">, v: PaceView) {
  return (
    `Pace ${LEVEL_TEXT[level]} for ${v.month}: ${formatPercent(v.pace ?? 0)} of pace ` +
    `(achieved ${v.achieved.toFixed(2)} of ${v.target?.toFixed(2)} with ${formatPercent(v.elapsed)} of the month gone)`
  );
}

/**
 * Judge these reps under their rep_pace row locks; returns the events to publish
 * after commit. Two statements for any number of reps (create the rows of reps
 * with a target, then lock every row with its target and total); only a rep whose
 * level moves costs more.
 */
async function judgeReps(tx: Tx, ctx: ServiceContext, clock: ClubClock, repIds: string[]): Promise<Announced[]> {
  const month = clock.month;
  // a fixed order, so that two evaluators lock rep rows in the same order (no deadlocks)
  const ids = [...new Set(repIds)].sort();
  if (ids.length === 0) return [];
  await tx
    .insert(repPace)
    .select(
      tx
        .select({
          tenantId: targets.tenantId,
          repId: targets.repId,
          month: targets.month,
          level: sql<string | null>`null`.as("level"),
          updatedAt: sql<Date>`${clock.now.toISOString()}::timestamptz`.as("updated_at"),
        })
        .from(targets)
        .where(and(eq(targets.month, month), inArray(targets.repId, ids)))
        .orderBy(asc(targets.repId)),
    )
    .onConflictDoNothing();
  const rows = await tx
    .select({ repId: repPace.repId, level: repPace.level, target: targets.amountFen, achieved: repMonthTotals.amountFen })
    .from(repPace)
    .leftJoin(targets, and(eq(targets.tenantId, repPace.tenantId), eq(targets.repId, repPace.repId), eq(targets.month, repPace.month)))
    .leftJoin(
      repMonthTotals,
      and(eq(repMonthTotals.tenantId, repPace.tenantId), eq(repMonthTotals.repId, repPace.repId), eq(repMonthTotals.month, repPace.month)),
    )
    .where(and(eq(repPace.month, month), inArray(repPace.repId, ids)))
    .orderBy(asc(repPace.repId))
    .for("update", { of: repPace });
  const events: Announced[] = [];
  // a rep with no row has no target and was never judged: nothing to say
  for (const r of rows) {
    const view = paceView(clock, r.achieved ?? 0, r.target ?? null);
    events.push(...(await moveLevel(tx, ctx, clock, r.repId, r.level as PaceLevel | null, view)));
  }
  return events;
}

/** A judged rep's level moved (or not): store it, and raise, supersede or clear its pace alarm. */
async function moveLevel(tx: Tx, ctx: ServiceContext, clock: ClubClock, repId: string, prev: PaceLevel | null, view: PaceView) {
  const month = clock.month;
  const next = view.level;
  if (prev === next) return [];
  await tx
    .update(repPace)
    .set({ level: next, updatedAt: clock.now })
    .where(and(eq(repPace.repId, repId), eq(repPace.month, month)));
  const action = alarmTransition(prev, next);
  const events: Announced[] = [];
  // Whatever the move, the alarm open until now no longer describes the rep: a worse
  // level supersedes it, a better one clears it (docs/regulation.md, pace alarms). One open pace alarm per rep.
  const closed = await tx
    .update(alarms)
    .set({ clearedAt: clock.now })
    .where(
      and(eq(alarms.kind, "pace"), eq(alarms.repId, repId), like(alarms.key, `${paceKeyPrefix(repId, month)}%`), isNull(alarms.clearedAt)),
    )
    .returning();
  if (action === "raise" && next !== null && next !== "ok") {
    // a level may be raised again after a recovery: number the raises so each keeps its own row
    const [count] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(alarms)
      .where(and(eq(alarms.kind, "pace"), like(alarms.key, `${paceKeyPrefix(repId, month)}%`)));
    const raised = await raiseAlarm(tx, ctx.tenantId, {
      key: `${paceKeyPrefix(repId, month)}${next}:${Number(count?.n ?? 0) + 1}`,
      kind: "pace",
      repId,
      level: next,
      message: paceMessage(next, view),
      data: { month, pace: view.pace, achieved: view.achieved, target: view.target, elapsed: view.elapsed, previous: prev },
      at: clock.now,
    });
    await enqueueNotifications(tx, ctx.tenantId, alarmNotices(raised));
    if (raised) events.push(...alarmEvents(raised, "raised", { pace: view.pace, supersedes: closed.map((c) => c.id) }));
  } else {
    for (const c of closed) events.push(...alarmEvents(c, "cleared", { pace: view.pace, now: next }));
  }
  return events;
}

/**
 * Re-judges the pace of these reps (or, without ids, of every rep with a target this
 * month or a level still stored) and closes pace alarms left open from past months.
 */
export async function evaluatePace(ctx: ServiceContext, repIds?: string[]): Promise<void> {
  const events = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const clock = await clubClock(tx, ctx);
    const out: Announced[] = [];
    let ids = repIds;
    if (!ids) {
      const withTarget = await tx.select({ repId: targets.repId }).from(targets).where(eq(targets.month, clock.month));
      const judged = await tx
        .select({ repId: repPace.repId })
        .from(repPace)
        .where(and(eq(repPace.month, clock.month), isNotNull(repPace.level)));
      ids = [...withTarget, ...judged].map((r) => r.repId);
      // a month that ended takes its pace alarms with it: the month close judges it now
      const stale = await tx
        .update(alarms)
        .set({ clearedAt: clock.now })
        .where(and(eq(alarms.kind, "pace"), isNull(alarms.clearedAt), notLike(alarms.key, `pace:%:${clock.month}:%`)))
        .returning();
      for (const a of stale) out.push(...alarmEvents(a, "cleared", { reason: "month ended" }));
    }
    out.push(...(await judgeReps(tx, ctx, clock, ids)));
    return out;
  });
  if (events.length > 0) {
    publishCommitted(ctx.deps, ctx.tenantId, events);
    // only alarms changed (the boards work the pace levels out from revenue and targets): no rep's rows (BoardChange)
    await ctx.deps.live.boardChanged(ctx.tenantId, []);
  }
}

/** Revenue writes of one club within this window are judged together, once per rep. */
export const PACE_COALESCE_MS = 250;

/** Per app: the reps written per club since their last judgement, and the per-club coalescer that judges them. */
const paceQueue = onePer((deps: Deps) => {
  const reps = new Map<string, Set<string>>();
  const coalescer = new Coalescer(PACE_COALESCE_MS, async (tenantId) => {
    const ids = reps.get(tenantId);
    reps.delete(tenantId);
    if (!ids || ids.size === 0) return;
    await evaluatePace({ deps, tenantId, actor: { kind: "system" } }, [...ids]).catch((err) =>
      deps.logger.warn({ err, tenantId }, "pace re-evaluation failed"),
    );
  });
  return { reps, coalescer };
});

/**
 * Called after each revenue write commits (revenue/service.ts afterRevenue): the
 * reps' pace is judged within PACE_COALESCE_MS, in one transaction per club for
 * every rep written meanwhile — not one transaction per write. A judgement that
 * fails is logged; the next write or the job tick judges the rep again.
 */
export function paceAfterRevenue(ctx: ServiceContext, repIds: string[]): void {
  if (repIds.length === 0) return;
  const q = paceQueue(ctx.deps);
  const set = q.reps.get(ctx.tenantId) ?? new Set<string>();
  for (const id of repIds) set.add(id);
  q.reps.set(ctx.tenantId, set);
  q.coalescer.request(ctx.tenantId);
}
