import { type Tx, teams } from "@clubhouse/db";
import { asc } from "drizzle-orm";
import { toFen, toYuan } from "../money.ts";
import { compareTeamRows } from "../realtime/board-delta.ts";
import { attainment } from "../regulation/pace.ts";
import type { BoardRow } from "./board-row.ts";

/**
 * The team race (docs/quotas.md, docs/realtime.md): one row per team of the club, its
 * figures summed over the rows its reps have on the same board — so a team's
 * revenue is exactly the sum of its members' rows, and a rep moved to another team
 * takes their whole period with them. Reps without a team are in no row (their rows
 * carry `teamId: null`). A team with no rep on the board still runs, at zero.
 */
export interface TeamRaceRow {
  rank: number;
  teamId: string;
  name: string;
  revenue: number;
  /** the sum of its reps' targets; null when none of them has one */
  target: number | null;
  /** revenue / target, null without a target */
  attainment: number | null;
  /** how many of its reps are on the board */
  reps: number;
}

export type TeamNames = { id: string; name: string }[];

/** The club's teams (RLS: this club's only), by name. */
export function loadTeamNames(tx: Tx): Promise<TeamNames> {
  return tx.select({ id: teams.id, name: teams.name }).from(teams).orderBy(asc(teams.name), asc(teams.id));
}

/** The race of one board: its rows summed per team (in fen, so the sums are exact), ranked like the board. */
export function teamRace(rows: Pick<BoardRow, "teamId" | "revenue" | "target">[], names: TeamNames): TeamRaceRow[] {
  const sums = new Map(names.map((t) => [t.id, { revenueFen: 0, targetFen: null as number | null, reps: 0 }]));
  for (const r of rows) {
    const s = r.teamId === null ? undefined : sums.get(r.teamId);
    if (!s) continue;
    s.revenueFen += toFen(r.revenue);
    if (r.target !== null) s.targetFen = (s.targetFen ?? 0) + toFen(r.target);
    s.reps += 1;
  }
  const out = names.map((t) => {
    const s = sums.get(t.id)!;
    return {
      rank: 0,
      teamId: t.id,
      name: t.name,
      revenue: toYuan(s.revenueFen),
      target: s.targetFen === null ? null : toYuan(s.targetFen),
      attainment: attainment(s.revenueFen, s.targetFen),
      reps: s.reps,
    };
  });
  out.sort(compareTeamRows);
  return out.map((r, i) => ({ ...r, rank: i + 1 }));
}
