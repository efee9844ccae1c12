import { customers, repDayContacts, type Tx, withTenantRead } from "@clubhouse/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { type AlarmCounts, countUnacknowledged, latestUnacknowledged } from "../alarms/service.ts";
import { type Checks, monthChecks } from "../contacts/checks.ts";
import { unownedSql } from "../customers/service.ts";
import type { Deps } from "../deps.ts";
import { replaceReps } from "../quotas/read.ts";
import { quotaRowsFrom } from "../quotas/service.ts";
import { canonicalBoards } from "../realtime/board-delta.ts";
import type { BoardSnapshot, BoardSource } from "../realtime/boards.ts";
import type { LeaderboardPeriod } from "../realtime/events.ts";
import { keepRecent } from "../realtime/rooms.ts";
import { type ClubClock, clubClock } from "../settings/club-now.ts";
import { dayOf } from "../time/club-time.ts";
import { type BoardMemo, type BoardReads, currentBoards, currentElapsed, currentTeamRaces, yearReads, yearReadsFor } from "./service.ts";
import { type TeamReads, teamParts, teamReads } from "./team-part.ts";

/**
 * Contacts logged today (the club's day in its time zone), per rep and in all, from
 * the maintained per-day rows: every channel counts, a voided contact does not (its
 * void takes it off the same rows). Only reps with a contact today are listed.
 */
export async function contactsToday(tx: Tx, day: string, only?: readonly string[]) {
  if (only?.length === 0) return { day, total: 0, reps: {} as Record<string, number> };
  const rows = await tx
    .select({
      repId: repDayContacts.repId,
      n: sql<number>`(${repDayContacts.visits} + ${repDayContacts.demos} + ${repDayContacts.calls} + ${repDayContacts.letters})::int`,
    })
    .from(repDayContacts)
    .where(and(eq(repDayContacts.day, day), only ? inArray(repDayContacts.repId, [...only]) : undefined));
  const reps: Record<string, number> = {};
  let total = 0;
  for (const r of rows) {
    const n = Number(r.n);
    if (n <= 0) continue;
    reps[r.repId] = n;
    total += n;
  }
  return { day, total, reps };
}

/**
 * A ready BoardSource for `deps.boards`: for everyone in the club the leaderboards,
 * the team race of each (`teams.{month,quarter,year}`, leaderboard/teams.ts) and
 * today's contacts (per rep and the club's total); for managers the quota board
 * (every rep's pace level this month), the counts of unacknowledged alarms and the
 * newest of them (`alarms.latest`, the alarm panel's first page, with `alarms.next`,
 * the cursor of GET /alarms's next page), so the panel needs no request per write,
 * and `unowned`, how many customers disabled reps still own (docs/handover.md);
 * for each team lead the managers' part narrowed to their team (team-part.ts). One
 * transaction and one read per table (the year's rows,
 * summed here per board), since every write of a club with open boards recomputes
 * them.
 *
 * Nothing per row moves with the clock alone (no per-row pace: the client divides
 * attainment by `elapsed`, the elapsed part of each period as of the snapshot,
 * regulation/pace.ts), so a write changes only the rows it touched, and the three
 * `elapsed` figures, and the deltas stay small (see realtime/board-delta.ts).
 */
export function quotaBoardSource(deps: Deps): BoardSource {
  /** Per club (the most recently recomputed ones), the leaderboards' rows built last time (service.ts `BoardMemo`). */
  const memos = new Map<string, Record<LeaderboardPeriod, BoardMemo>>();
  const memoOf = (tenantId: string) =>
    keepRecent(memos, tenantId, memos.get(tenantId) ?? { month: new Map(), quarter: new Map(), year: new Map() });
  /** Per club (the most recently recomputed ones), the per-rep reads behind the version last sent (`Kept`). */
  const kept = new Map<string, Kept>();
  return {
    async snapshot(tenantId, change) {
      const ctx = { deps, tenantId, actor: { kind: "system" } as const };
      // On the standby when there is one, as fresh as the primary (db/src/read.ts): the
      // version minted before this read still holds every write committed before it.
      return withTenantRead(deps.database, tenantId, async (tx) => {
        const clock = await clubClock(tx, ctx);
        const day = dayOf(clock.now, clock.tz);
        const before = kept.get(tenantId);
        // Only the reps a write touched are read again when what this process kept is the
        // version just before this one, of the same club day (so of the same month and
        // year), and not older than FULL_READ_MS; anything else reads every rep.
        const reps =
          change?.reps &&
          before &&
          before.version === change.version - 1 &&
          before.day === day &&
          performance.now() - before.fullAt < FULL_READ_MS
            ? [...change.reps]
            : undefined;
        const [reads, alarms, today, alarmCounts, inTeams, [unowned], checks] = await Promise.all([
          reps ? yearReadsFor(tx, clock, before!.reads, reps) : yearReads(tx, clock),
          latestUnacknowledged(tx),
          contactsToday(tx, day, reps),
          countUnacknowledged(tx),
          teamReads(tx),
          // customers of disabled reps, waiting to be handed over: the board warns while any exist
          tx.select({ n: sql<number>`count(*)::int` }).from(customers).where(unownedSql()),
          // each rep's visit checks this month (docs/verified-visits.md)
          monthChecks(tx, clock.month, reps),
        ]);
        const now = reps
          ? {
              reads,
              today: mergeToday(before!.today, today, reps),
              checks: replaceReps(before!.checks, checks, reps),
              fullAt: before!.fullAt,
            }
          : { reads, today, checks, fullAt: performance.now() };
        if (change) keepRecent(kept, tenantId, { version: change.version, day, ...now });
        deps.metrics?.boardRead(reps ? "partial" : "full");
        return boardsOf(ctx, clock, now, { alarms, alarmCounts, inTeams, unowned: Number(unowned?.n ?? 0) }, memoOf(tenantId));
      });
    },
  };
}

/** A partial read (BoardChange) is followed by a full one at least this often per club: whatever a write failed to name is on the boards within this time. */
export const FULL_READ_MS = 60_000;

type Today = Awaited<ReturnType<typeof contactsToday>>;
type Latest = Awaited<ReturnType<typeof latestUnacknowledged>>;

/** What a club's boards were last built from on this process, per rep, and the version they went out as. */
interface Kept {
  version: number;
  /** the club day it was read on (its month and year with it) */
  day: string;
  reads: BoardReads;
  today: Today;
  checks: Map<string, Checks>;
  /** when every rep was last read (performance.now()) */
  fullAt: number;
}

/** `before` with the reps of `reps` as `fresh` (a read of those reps only) has them. */
function mergeToday(before: Today, fresh: Today, reps: readonly string[]): Today {
  const out: Record<string, number> = { ...before.reps };
  for (const r of reps) delete out[r];
  Object.assign(out, fresh.reps);
  let total = 0;
  for (const n of Object.values(out)) total += n;
  return { day: before.day, total, reps: out };
}

/** The club's boards from their reads (quotaBoardSource). */
function boardsOf(
  ctx: { deps: Deps; tenantId: string; actor: { kind: "system" } },
  clock: ClubClock,
  { reads, today, checks }: { reads: BoardReads; today: Today; checks: Map<string, Checks> },
  { alarms, alarmCounts, inTeams, unowned }: { alarms: Latest; alarmCounts: AlarmCounts; inTeams: TeamReads; unowned: number },
  memos: Record<LeaderboardPeriod, BoardMemo>,
): BoardSnapshot {
  const month = [clock.month];
  const quota = {
    month: clock.month,
    reps: quotaRowsFrom(ctx, clock, clock.month, reads.reps, reads.figures.targetSums(month), reads.figures.revenueSums(month), checks).map(
      (r) => ({
        repId: r.repId,
        name: r.name,
        target: r.target,
        achieved: r.achieved,
        attainment: r.attainment,
        level: r.level,
        checks: r.checks,
      }),
    ),
  };
  const managers = canonicalBoards({ quota, alarmCounts, alarms, unowned });
  const leaderboard = currentBoards(clock, reads, memos);
  return {
    club: canonicalBoards({
      leaderboard,
      teams: currentTeamRaces(leaderboard, reads.teams),
      at: quota.month,
      elapsed: currentElapsed(clock),
      today,
    }),
    managers,
    // each led team's part: the managers' part narrowed to the team's reps (team-part.ts)
    teams: teamParts(managers, inTeams),
  };
}
