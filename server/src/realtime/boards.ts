import type { Role } from "@clubhouse/db";
import { isLead, isManager } from "../access/actor.ts";

/**
 * A club's boards at one moment, in two parts by who may see them. Both are
 * complete: a snapshot replaces whatever the client showed before.
 */
export interface BoardSnapshot {
  /** What every member of the club sees (reps included), e.g. the leaderboard. */
  club: Record<string, unknown>;
  /** What managers and admins see on top of `club`: quota pace, alarms. */
  managers: Record<string, unknown>;
  /**
   * Per team (by id), what the team's lead sees on top of `club`: the managers' part
   * narrowed to the team's reps (leaderboard/team-part.ts). Only teams with a lead.
   */
  teams?: Record<string, Record<string, unknown>>;
}

/**
 * Computes a club's boards from the database. Other modules plug theirs in through
 * `deps.boards` (the leaderboard module puts its rows under `club.leaderboard`,
 * quotas theirs under `managers.quota`, …). It runs inside the live channel's
 * coalescing window, so it may read as much as it needs; it must only read
 * through `withTenant(…, tenantId, …)`.
 */
export interface BoardSource {
  /**
   * The club's boards now. `change`, when the live channel recomputes them after writes:
   * the version they will go out as and, when every write since the version before
   * named the reps it touched, those reps — a source that kept what it built the
   * version before from may then re-read only them (leaderboard/boards.ts).
   */
  snapshot(tenantId: string, change?: BoardChange): Promise<BoardSnapshot>;
}

/**
 * Why boards are recomputed. `reps`: every write since version `version - 1` changed
 * only these reps' revenue and contact counters (their month and day rows) and perhaps
 * the club's alarms — nothing else (not who the reps are, their names, teams or
 * targets, not customers' owners, not the club's settings). Absent: anything may have
 * changed.
 */
export interface BoardChange {
  version: number;
  reps?: ReadonlySet<string>;
}

/** Until a module provides boards: empty ones, still versioned, so clients can rely on the protocol. */
export const emptyBoards: BoardSource = {
  async snapshot() {
    return { club: {}, managers: {} };
  },
};

/**
 * What one socket is sent: managers get both parts (theirs win on a clash), a team lead
 * the club part and their team's part (`teamId`, the team they lead, if any), reps the
 * club part.
 */
export function boardsFor(role: Role, s: BoardSnapshot, teamId?: string | null): Record<string, unknown> {
  if (isManager(role)) return { ...s.club, ...s.managers };
  if (isLead(role) && teamId) return { ...s.club, ...(s.teams?.[teamId] ?? {}) };
  return s.club;
}
