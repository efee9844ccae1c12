import { alarms, type Tx, teams, users } from "@clubhouse/db";
import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { type AlarmCounts, latestUnacknowledgedByTeam } from "../alarms/service.ts";
import { canonicalBoards } from "../realtime/board-delta.ts";

/**
 * A team lead's part of the live boards (docs/realtime.md, "The lead's part"): the
 * managers' part narrowed to the reps of the team they lead. Derived from the
 * managers' part by filtering its rows by `repId` (no query per team), with the
 * alarm counts counted over the team's reps only.
 *
 * Safe by default: only what is named here goes into a team part (the quota's month,
 * its rows of the team's reps, the team's counts and newest alarms). Anything else the
 * managers' part carries stays with managers until it is added here.
 */

/** Who is in which led team, and the unacknowledged alarms per rep: read in the boards' transaction. */
export interface TeamReads {
  /** every team that has a lead, with its reps (a team with none still gets a part) */
  teams: Map<string, Set<string>>;
  /** unacknowledged alarms (neither acknowledged nor cleared) by rep, kind and level */
  alarmRows: { repId: string; kind: string; level: string | null; n: number }[];
  /** each led team's newest unacknowledged alarms, as the managers' `alarms` has the club's */
  latest: Awaited<ReturnType<typeof latestUnacknowledgedByTeam>>;
}

/** Small grouped reads: the led teams' reps, the unacknowledged alarms counted per rep, and each team's newest. */
export async function teamReads(tx: Tx): Promise<TeamReads> {
  const members = await tx
    .select({ teamId: teams.id, repId: users.id })
    .from(teams)
    .leftJoin(users, and(eq(users.teamId, teams.id), eq(users.role, "rep")))
    .where(isNotNull(teams.leadId));
  const out = new Map<string, Set<string>>();
  for (const m of members) {
    const set = out.get(m.teamId) ?? new Set<string>();
    out.set(m.teamId, set);
    if (m.repId) set.add(m.repId);
  }
  // Only when some team has a lead: a club without teams pays nothing.
  const latest = out.size === 0 ? new Map() : await latestUnacknowledgedByTeam(tx);
  const alarmRows =
    out.size === 0
      ? []
      : await tx
          .select({ repId: alarms.repId, kind: alarms.kind, level: alarms.level, n: sql<number>`count(*)::int` })
          .from(alarms)
          .where(and(isNull(alarms.acknowledgedAt), isNull(alarms.clearedAt), isNotNull(alarms.repId)))
          .groupBy(alarms.repId, alarms.kind, alarms.level);
  return {
    teams: out,
    alarmRows: alarmRows.map((r) => ({ repId: r.repId as string, kind: r.kind, level: r.level, n: Number(r.n) })),
    latest,
  };
}

type Row = Record<string, unknown>;
const isObject = (v: unknown): v is Row => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Each led team's part, keyed by team id: `{quota: {month, reps}, alarmCounts, alarms}`
 * as the managers' part has them, with only the team's reps' rows (lists keep their
 * order) and the counts of the team's reps' unacknowledged alarms.
 */
export function teamParts(managers: Row, reads: TeamReads): Record<string, Row> {
  const teamOf = new Map<string, string>();
  for (const [teamId, reps] of reads.teams) for (const r of reps) teamOf.set(r, teamId);
  const quota = isObject(managers.quota) ? managers.quota : undefined;
  const split = (rows: unknown) => {
    const by = new Map<string, Row[]>();
    for (const r of Array.isArray(rows) ? (rows as Row[]) : []) {
      const teamId = teamOf.get(String(r.repId));
      if (!teamId) continue;
      const list = by.get(teamId) ?? [];
      by.set(teamId, list);
      list.push(r);
    }
    return by;
  };
  const reps = split(quota?.reps);
  const counts = new Map<string, AlarmCounts>();
  for (const a of reads.alarmRows) {
    const teamId = teamOf.get(a.repId);
    if (!teamId) continue;
    const c = counts.get(teamId) ?? { total: 0, byKind: {}, byLevel: {} };
    counts.set(teamId, c);
    c.total += a.n;
    c.byKind[a.kind] = (c.byKind[a.kind] ?? 0) + a.n;
    if (a.level) c.byLevel[a.level] = (c.byLevel[a.level] ?? 0) + a.n;
  }
  const out: Record<string, Row> = {};
  for (const teamId of reads.teams.keys()) {
    out[teamId] = canonicalBoards({
      ...(quota ? { quota: { month: quota.month, reps: reps.get(teamId) ?? [] } } : {}),
      alarmCounts: counts.get(teamId) ?? { total: 0, byKind: {}, byLevel: {} },
      alarms: reads.latest.get(teamId) ?? { latest: [], next: null },
    });
  }
  return out;
}
