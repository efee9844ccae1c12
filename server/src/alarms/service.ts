import { alarms, type Tx, teams, users, withTenant } from "@clubhouse/db";
import { and, desc, eq, inArray, isNotNull, isNull, lte, sql } from "drizzle-orm";
import { repInScope as scopedRep, scopeOf } from "../access/scope.ts";
import { actorId, isManager } from "../customers/service.ts";
import type { ServiceContext } from "../deps.ts";
import { NotFound } from "../http/errors.ts";
import { cursorPart, decodeCursor, encodeCursor, page } from "../http/paging.ts";
import { publishCommitted } from "../realtime/outbox.ts";

export type AlarmRow = typeof alarms.$inferSelect;

export interface NewAlarm {
  key: string;
  kind: string;
  repId?: string | null;
  subjectId?: string | null;
  level?: string | null;
  message: string;
  data?: Record<string, unknown>;
  at: Date;
}

/** Raises an alarm once per key: returns the row when it is new, undefined when it already existed. */
export async function raiseAlarm(tx: Tx, tenantId: string, a: NewAlarm): Promise<AlarmRow | undefined> {
  const [row] = await tx
    .insert(alarms)
    .values({
      tenantId,
      key: a.key,
      kind: a.kind,
      repId: a.repId ?? null,
      subjectId: a.subjectId ?? null,
      level: a.level ?? null,
      message: a.message,
      data: a.data ?? null,
      raisedAt: a.at,
    })
    .onConflictDoNothing()
    .returning();
  return row;
}

/** Clears a raised alarm (the condition went away); returns it when it was open. */
export async function clearAlarm(tx: Tx, key: string, at: Date): Promise<AlarmRow | undefined> {
  const [row] = await tx
    .update(alarms)
    .set({ clearedAt: at })
    .where(and(eq(alarms.key, key), isNull(alarms.clearedAt)))
    .returning();
  return row;
}

export function presentAlarm(a: AlarmRow, repName?: string | null) {
  return {
    id: a.id,
    kind: a.kind,
    repId: a.repId,
    repName: repName ?? null,
    subjectId: a.subjectId,
    level: a.level,
    message: a.message,
    data: a.data,
    raisedAt: a.raisedAt.toISOString(),
    clearedAt: a.clearedAt?.toISOString() ?? null,
    acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: a.acknowledgedBy,
  };
}

/** Managers see every alarm of the club; a rep sees only alarms about themself. */
export async function listAlarms(
  ctx: ServiceContext,
  q: {
    status?: "open" | "unacknowledged" | "all" | undefined;
    kind?: string | undefined;
    repId?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  const after = decodeCursor(q.cursor, [cursorPart.instant, cursorPart.uuid]);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const me = actorId(ctx.actor);
    const scope = scopeOf(ctx); // a team lead: their team's reps' alarms (access/scope.ts)
    const rows = await tx
      .select({ a: alarms, repName: users.name })
      .from(alarms)
      .leftJoin(users, eq(users.id, alarms.repId))
      .where(
        and(
          isManager(ctx.actor) || scope.kind === "team"
            ? and(scopedRep(scope, alarms.repId), q.repId ? eq(alarms.repId, q.repId) : undefined)
            : eq(alarms.repId, me ?? ""),
          q.kind ? eq(alarms.kind, q.kind) : undefined,
          q.status === "open" ? isNull(alarms.clearedAt) : undefined,
          q.status === "unacknowledged" ? and(isNull(alarms.acknowledgedAt), isNull(alarms.clearedAt)) : undefined,
          after ? sql`(${alarms.raisedAt}, ${alarms.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
        ),
      )
      .orderBy(desc(alarms.raisedAt), desc(alarms.id))
      .limit(q.limit + 1);
    return page(
      rows,
      q.limit,
      (r) => presentAlarm(r.a, r.repName),
      (i) => [i.raisedAt, i.id],
    );
  });
}

/** A manager acknowledges an alarm: who and when are recorded; acknowledging twice keeps the first. */
export async function acknowledgeAlarm(ctx: ServiceContext, id: string) {
  const out = await acknowledgeTx(ctx, id);
  if (out.changed) {
    // After commit: every manager's board drops the alarm from its unacknowledged column.
    publishCommitted(ctx.deps, ctx.tenantId, [
      {
        event: "quota:alarm",
        payload: {
          ...out.alarm,
          repId: out.alarm.repId ?? "",
          kind: "acknowledged",
          at: out.alarm.acknowledgedAt ?? "",
          alarmKind: out.alarm.kind,
        },
      },
    ]);
    await ctx.deps.live.boardChanged(ctx.tenantId);
  }
  return out.alarm;
}

function acknowledgeTx(ctx: ServiceContext, id: string) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const [a] = await tx
      .select()
      .from(alarms)
      .where(and(eq(alarms.id, id), scopedRep(scopeOf(ctx), alarms.repId)))
      .for("update");
    if (!a) throw new NotFound("alarm");
    if (a.acknowledgedAt) return { alarm: presentAlarm(a), changed: false };
    const [next] = await tx
      .update(alarms)
      .set({ acknowledgedAt: ctx.deps.clock.now(), acknowledgedBy: actorId(ctx.actor) })
      .where(eq(alarms.id, id))
      .returning();
    return { alarm: presentAlarm(next!), changed: true };
  });
}

/** Unacknowledged: neither acknowledged nor cleared (what the board's badge counts and `status=unacknowledged` lists). */
const unacknowledged = () => and(isNull(alarms.acknowledgedAt), isNull(alarms.clearedAt));

export interface AlarmCounts {
  total: number;
  byKind: Record<string, number>;
  /** alarms without a level (complaints, month close, …) are counted under their kind only */
  byLevel: Record<string, number>;
}

/** The club's unacknowledged alarms, counted in the database (one grouped read). */
export async function countUnacknowledged(tx: Tx): Promise<AlarmCounts> {
  const rows = await tx
    .select({ kind: alarms.kind, level: alarms.level, n: sql<number>`count(*)::int` })
    .from(alarms)
    .where(unacknowledged())
    .groupBy(alarms.kind, alarms.level);
  const out: AlarmCounts = { total: 0, byKind: {}, byLevel: {} };
  for (const r of rows) {
    const n = Number(r.n);
    out.total += n;
    out.byKind[r.kind] = (out.byKind[r.kind] ?? 0) + n;
    if (r.level) out.byLevel[r.level] = (out.byLevel[r.level] ?? 0) + n;
  }
  return out;
}

/** The newest unacknowledged alarms the managers' live boards carry (`alarms.latest`): the board panel's first page. */
export const LATEST_ALARMS = 50;

/** What of an alarm's data the board's panel words it with (web/src/manager/Board.tsx, alarmText); the rest stays with GET /alarms. */
const LIVE_DATA = [
  "month",
  "pace",
  "achieved",
  "target",
  "elapsed",
  "outcome",
  "reasons",
  "quarter",
  "total",
  "stale",
  "customerName",
  "summary",
];

/**
 * The club's newest unacknowledged (and not cleared) alarms of every kind, newest
 * first as GET /alarms?status=unacknowledged lists them, with what the board's panel
 * shows of each, and the cursor of that list's next page (null when there is none).
 * For the managers' live boards (leaderboard/boards.ts): a raise, a clear or an
 * acknowledgement changes a row or two of it, so a delta carries only those.
 */
export async function latestUnacknowledged(tx: Tx, limit = LATEST_ALARMS) {
  const rows = await tx
    .select({ a: alarms, repName: users.name })
    .from(alarms)
    .leftJoin(users, eq(users.id, alarms.repId))
    .where(unacknowledged())
    .orderBy(desc(alarms.raisedAt), desc(alarms.id))
    .limit(limit + 1);
  return latestFrom(rows, limit);
}

/**
 * The same list for each team that has a lead (the lead's part of the boards): the
 * newest `limit` unacknowledged alarms of the team's reps, with the cursor of the
 * lead's own GET /alarms (scoped to the team) after the last one. One statement for
 * every team (ranked per team), run only when some team has a lead.
 */
export async function latestUnacknowledgedByTeam(tx: Tx, limit = LATEST_ALARMS) {
  const ranked = tx
    .select({
      id: alarms.id,
      teamId: users.teamId,
      rn: sql<number>`row_number() over (partition by ${users.teamId} order by ${alarms.raisedAt} desc, ${alarms.id} desc)`.as("rn"),
    })
    .from(alarms)
    .innerJoin(users, eq(users.id, alarms.repId))
    .innerJoin(teams, and(eq(teams.id, users.teamId), isNotNull(teams.leadId)))
    .where(and(unacknowledged(), eq(users.role, "rep")))
    .as("ranked");
  const rows = await tx
    .select({ a: alarms, repName: users.name, teamId: ranked.teamId })
    .from(ranked)
    .innerJoin(alarms, eq(alarms.id, ranked.id))
    .innerJoin(users, eq(users.id, alarms.repId))
    .where(lte(ranked.rn, limit + 1))
    .orderBy(desc(alarms.raisedAt), desc(alarms.id));
  const byTeam = new Map<string, typeof rows>();
  for (const r of rows) {
    if (!r.teamId) continue;
    const list = byTeam.get(r.teamId) ?? [];
    byTeam.set(r.teamId, list);
    list.push(r);
  }
  return new Map([...byTeam].map(([teamId, list]) => [teamId, latestFrom(list, limit)]));
}

/** The live list's shape (`alarms: {latest, next}`) from up to `limit + 1` rows, newest first. */
function latestFrom(rows: { a: typeof alarms.$inferSelect; repName: string | null }[], limit: number) {
  const latest = rows.slice(0, limit).map(({ a, repName }) => {
    const data = (a.data ?? {}) as Record<string, unknown>;
    return {
      id: a.id,
      kind: a.kind,
      repId: a.repId,
      repName: repName ?? null,
      level: a.level,
      message: a.message,
      data: Object.fromEntries(LIVE_DATA.filter((k) => data[k] !== undefined).map((k) => [k, data[k]])),
      raisedAt: a.raisedAt.toISOString(),
    };
  });
  const last = latest.at(-1);
  return { latest, next: rows.length > limit && last ? encodeCursor([last.raisedAt, last.id]) : null };
}

/** Managers: the counts of the club's unacknowledged alarms (GET /alarms/counts). */
export function alarmCounts(ctx: ServiceContext) {
  return withTenant(ctx.deps.database, ctx.tenantId, (tx) => countUnacknowledged(tx));
}

export type AckFilter = { ids: string[] } | { level?: string | undefined; kind?: string | undefined; repId?: string | undefined };

/**
 * A manager acknowledges many alarms at once: the listed ids, or every unacknowledged
 * alarm of a level, a kind and/or a rep. One transaction; alarms already acknowledged
 * (or cleared) are left as they are. Managers hear of it once, by one compact event
 * (`quota:alarm` kind "acknowledged" with the count and the filter, not one per alarm),
 * and the boards' counters move through the next board delta.
 */
export async function acknowledgeMany(ctx: ServiceContext, filter: AckFilter) {
  const at = ctx.deps.clock.now();
  const acknowledged = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    // a team lead's: their team's reps' alarms only (others are as if absent)
    const scoped = scopeOf(ctx).kind === "team" ? scopedRep(scopeOf(ctx), alarms.repId) : undefined;
    const where =
      "ids" in filter
        ? and(unacknowledged(), scoped, inArray(alarms.id, filter.ids))
        : and(
            unacknowledged(),
            scoped,
            filter.level ? eq(alarms.level, filter.level) : undefined,
            filter.kind ? eq(alarms.kind, filter.kind) : undefined,
            filter.repId ? eq(alarms.repId, filter.repId) : undefined,
          );
    const rows = await tx
      .update(alarms)
      .set({ acknowledgedAt: at, acknowledgedBy: actorId(ctx.actor) })
      .where(where)
      .returning({ id: alarms.id });
    return rows.length;
  });
  if (acknowledged > 0) {
    publishCommitted(ctx.deps, ctx.tenantId, [
      {
        event: "quota:alarm",
        payload: {
          id: "",
          repId: "repId" in filter ? (filter.repId ?? "") : "",
          level: "level" in filter ? (filter.level ?? null) : null,
          kind: "acknowledged",
          at: at.toISOString(),
          bulk: true,
          count: acknowledged,
          // the filter, not the ids: one small event however many were acknowledged
          filter: "ids" in filter ? { ids: filter.ids.length } : filter,
        },
      },
    ]);
    await ctx.deps.live.boardChanged(ctx.tenantId);
  }
  return { acknowledged };
}
