import { customers, repDayContacts, type Tx, withTenantRead } from "@clubhouse/db";
import { eq, sql } from "drizzle-orm";
import { countUnacknowledged, latestUnacknowledged } from "../alarms/service.ts";
import { monthChecks } from "../contacts/checks.ts";
import { unownedSql } from "../customers/service.ts";
import type { Deps } from "../deps.ts";
import { quotaRowsFrom } from "../quotas/service.ts";
import { canonicalBoards } from "../realtime/board-delta.ts";
import type { BoardSource } from "../realtime/boards.ts";
import type { LeaderboardPeriod } from "../realtime/events.ts";
import { keepRecent } from "../realtime/rooms.ts";
import { clubClock } from "../settings/club-now.ts";
import { dayOf } from "../time/club-time.ts";
import { type BoardMemo, currentBoards, currentElapsed, currentTeamRaces, yearReads } from "./service.ts";
import { teamParts, teamReads } from "./team-part.ts";

/**
 * Contacts logged today (the club's day in its time zone), per rep and in all, from
 * the maintained per-day rows: every channel counts, a voided contact does not (its
 * void takes it off the same rows). Only reps with a contact today are listed.
 */
export async function contactsToday(tx: Tx, day: string) {
  const rows = await tx
    .select({
      repId: repDayContacts.repId,
      n: sql<number>`(${repDayContacts.visits} + ${repDayContacts.demos} + ${repDayContacts.calls} + ${repDayContacts.letters})::int`,
    })
    .from(repDayContacts)
    .where(eq(repDayContacts.day, day));
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
  return {
    async snapshot(tenantId) {
      const ctx = { deps, tenantId, actor: { kind: "system" } as const };
      // On the standby when there is one, as fresh as the primary (db/src/read.ts): the
      // version minted before this read still holds every write committed before it.
      return withTenantRead(deps.database, tenantId, async (tx) => {
        const clock = await clubClock(tx, ctx);
        const [reads, alarms, today, alarmCounts, inTeams, [unowned], checks] = await Promise.all([
          yearReads(tx, clock),
          latestUnacknowledged(tx),
          contactsToday(tx, dayOf(clock.now, clock.tz)),
          countUnacknowledged(tx),
          teamReads(tx),
          // customers of disabled reps, waiting to be handed over: the board warns while any exist
          tx.select({ n: sql<number>`count(*)::int` }).from(customers).where(unownedSql()),
          // each rep's visit checks this month (docs/verified-visits.md)
          monthChecks(tx, clock.month),
        ]);
        const month = [clock.month];
        const quota = {
          month: clock.month,
          reps: quotaRowsFrom(
            ctx,
            clock,
            clock.month,
            reads.reps,
            reads.figures.targetSums(month),
            reads.figures.revenueSums(month),
            checks,
          ).map((r) => ({
            repId: r.repId,
            name: r.name,
            target: r.target,
            achieved: r.achieved,
            attainment: r.attainment,
            level: r.level,
            checks: r.checks,
          })),
        };
        const managers = canonicalBoards({ quota, alarmCounts, alarms, unowned: Number(unowned?.n ?? 0) });
        const leaderboard = currentBoards(clock, reads, memoOf(tenantId));
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
      });
    },
  };
}
