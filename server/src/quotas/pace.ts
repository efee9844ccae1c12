import { alarms, repMonthTotals, repPace, type Tx, targets, withTenant } from "@clubhouse/db";
import { and, asc, eq, isNotNull, isNull, like, notLike, sql } from "drizzle-orm";
import { type AlarmRow, raiseAlarm } from "../alarms/service.ts";
import type { ServiceContext } from "../deps.ts";
import type { LiveEvent } from "../realtime/events.ts";
import { type ClubClock, clubClock, type PaceView, paceView } from "./read.ts";
import { alarmTransition, formatPercent, type PaceLevel } from "./rules.ts";

/**
 * Live pace alarms (SPEC §8): in the current club month, after the grace days,
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

function alarmEvents(tenantId: string, a: AlarmRow, kind: "raised" | "cleared", extra: Record<string, unknown> = {}): LiveEvent[] {
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
  return [
    { tenantId, audience: { to: "managers" }, event: "quota:alarm", payload },
    { tenantId, audience: { to: "rep", repId: a.repId! }, event: "quota:alarm", payload },
  ];
}

function paceMessage(level: Exclude<PaceLevel, "ok">, v: PaceView) {
  return (
    `Pace ${LEVEL_TEXT[level]} for ${v.month}: ${formatPercent(v.pace ?? 0)} of pace ` +
    `(achieved ${v.achieved.toFixed(2)} of ${v.target?.toFixed(2)} with ${formatPercent(v.elapsed)} of the month gone)`
  );
}

/** Judge one rep under its rep_pace row lock; returns the events to publish after commit. */
async function judgeRep(tx: Tx, ctx: ServiceContext, clock: ClubClock, repId: string): Promise<LiveEvent[]> {
  const month = clock.month;
  const [t] = await tx
    .select({ fen: targets.amountFen })
    .from(targets)
    .where(and(eq(targets.repId, repId), eq(targets.month, month)));
  if (t) {
    await tx.insert(repPace).values({ tenantId: ctx.tenantId, repId, month, level: null, updatedAt: clock.now }).onConflictDoNothing();
  }
  const [row] = await tx
    .select()
    .from(repPace)
    .where(and(eq(repPace.repId, repId), eq(repPace.month, month)))
    .for("update");
  if (!row) return []; // no target and never judged: nothing to say
  const [tot] = await tx
    .select({ fen: repMonthTotals.amountFen })
    .from(repMonthTotals)
    .where(and(eq(repMonthTotals.repId, repId), eq(repMonthTotals.month, month)));
  const view = paceView(clock, tot?.fen ?? 0, t?.fen ?? null);
  const prev = row.level as PaceLevel | null;
  const next = view.level;
  if (prev === next) return [];
  await tx
    .update(repPace)
    .set({ level: next, updatedAt: clock.now })
    .where(and(eq(repPace.repId, repId), eq(repPace.month, month)));
  const action = alarmTransition(prev, next);
  const events: LiveEvent[] = [];
  // Whatever the move, the alarm open until now no longer describes the rep: a worse
  // level supersedes it, a better one clears it (SPEC §8). One open pace alarm per rep.
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
    if (raised) events.push(...alarmEvents(ctx.tenantId, raised, "raised", { pace: view.pace, supersedes: closed.map((c) => c.id) }));
  } else {
    for (const c of closed) events.push(...alarmEvents(ctx.tenantId, c, "cleared", { pace: view.pace, now: next }));
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
    const out: LiveEvent[] = [];
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
      for (const a of stale) out.push(...alarmEvents(ctx.tenantId, a, "cleared", { reason: "month ended" }));
    }
    // a fixed order, so that two evaluators lock rep rows in the same order (no deadlocks)
    for (const id of [...new Set(ids)].sort()) out.push(...(await judgeRep(tx, ctx, clock, id)));
    return out;
  });
  if (events.length > 0) {
    ctx.deps.live.publish(events);
    ctx.deps.live.boardChanged(ctx.tenantId);
  }
}

/** Called after each revenue write commits (revenue/service.ts afterRevenue). */
export async function paceAfterRevenue(ctx: ServiceContext, repIds: string[]): Promise<void> {
  if (repIds.length === 0) return;
  await evaluatePace(ctx, repIds);
}

/** The open pace alarms of the current month, for boards. */
export async function openPaceAlarms(tx: Tx) {
  return tx
    .select()
    .from(alarms)
    .where(and(eq(alarms.kind, "pace"), isNull(alarms.clearedAt)))
    .orderBy(asc(alarms.raisedAt));
}
