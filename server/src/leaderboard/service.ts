import { type Tx, withTenantRead } from "@clubhouse/db";
import type { Deps } from "../deps.ts";
import { toYuan } from "../money.ts";
import { figuresOf, loadReps, mergeSums, perPeriod, type RepRow, sumsByRepAndPeriod } from "../quotas/read.ts";
import { compareBoardRows } from "../realtime/board-delta.ts";
import type { LeaderboardPeriod } from "../realtime/events.ts";
import { attainment, markerInstant, periodElapsed } from "../regulation/pace.ts";
import { ratio } from "../regulation/ratio.ts";
import { type ClubClock, clubClock } from "../settings/club-now.ts";
import { type ClubMonth, monthsOfQuarter, monthsOfYear, quarterOfMonth, yearOfMonth } from "../time/club-time.ts";
import type { BoardRow } from "./board-row.ts";
import { loadTeamNames, type TeamNames, teamRace } from "./teams.ts";

/**
 * Leaderboards for a club month, quarter or year (docs/quotas.md): reps by revenue with
 * target, attainment, contacts and 1:3 compliance. Reads only maintained rows —
 * rep_month_totals, targets, rep_month_contacts — never the ledger nor day rows, so a
 * board costs a few indexed rows per rep and month however large the ledger grows.
 * GET /leaderboard serves it through cache.ts.
 */

export function periodMonths(period: LeaderboardPeriod, at: ClubMonth): ClubMonth[] {
  switch (period) {
    case "month":
      return [at];
    case "quarter":
      return monthsOfQuarter(quarterOfMonth(at));
    case "year":
      return monthsOfYear(yearOfMonth(at));
  }
}

type Counts = { existing: number; prospect: number; visits: number; demos: number; calls: number; letters: number };
const NO_CONTACTS: Counts = { existing: 0, prospect: 0, visits: 0, demos: 0, calls: 0, letters: 0 };

const CONTACT_COLUMNS = ["existing_in_person", "prospect_in_person", "visits", "demos", "calls", "letters"] as const;

export type { BoardRow } from "./board-row.ts";

/**
 * The rows of one board: every enabled rep, plus any rep with revenue or a target in
 * the period. Ranked by revenue (highest first), ties by attainment (higher first, no
 * target last), then name, then id — so the order is total and stable.
 */
export async function boardRows(tx: Tx, period: LeaderboardPeriod, at: ClubMonth): Promise<BoardRow[]> {
  const months = periodMonths(period, at);
  return buildBoard(await boardReads(tx, [months]), months);
}

/** Per (rep, period), the rows behind boards as PostgreSQL summed them (quotas/read.ts sumsByRepAndPeriod). */
export interface BoardSums {
  targets: Map<string, Map<string, number[]>>;
  revenue: Map<string, Map<string, number[]>>;
  contacts: Map<string, Map<string, number[]>>;
}

/** What boards are built from: the reps, the sums (kept, so a live board can re-read a few reps: yearReadsFor) and their per-period views, the team names. */
function readsOf(reps: RepRow[], sums: BoardSums, teams: TeamNames) {
  return {
    reps,
    sums,
    figures: figuresOf(sums.targets, sums.revenue),
    contacts: perPeriod(
      sums.contacts,
      ([, existing, prospect, visits, demos, calls, letters]): Counts => ({
        existing: existing!,
        prospect: prospect!,
        visits: visits!,
        demos: demos!,
        calls: calls!,
        letters: letters!,
      }),
    ),
    teams,
  };
}

export type BoardReads = ReturnType<typeof readsOf>;

/** The reads of boards over each of `periods` (lists of months), per rep and period summed by PostgreSQL: one per table, sent together (one round trip). */
async function boardReads(tx: Tx, periods: readonly (readonly ClubMonth[])[]): Promise<BoardReads> {
  const [reps, targets, revenue, contacts, teams] = await Promise.all([
    loadReps(tx),
    sumsByRepAndPeriod(tx, "targets", ["amount_fen"], periods),
    sumsByRepAndPeriod(tx, "rep_month_totals", ["amount_fen"], periods),
    sumsByRepAndPeriod(tx, "rep_month_contacts", CONTACT_COLUMNS, periods),
    loadTeamNames(tx),
  ]);
  return readsOf(reps, { targets, revenue, contacts }, teams);
}

/**
 * The rows of a board built before, by rep, with the inputs each was built from. A rep
 * whose inputs are the same keeps its row object (and its ranked one while its rank
 * holds), so a diff against the board before passes it by identity instead of comparing
 * it field by field: a write changes a few reps' rows, and a big club's live board is
 * recomputed at every write (docs/realtime.md). Rows are never changed once built.
 */
export type BoardMemo = Map<string, { inputs: RowInputs; row: BoardRow }>;

/** What a rep's row is built from (besides the rep's id). */
interface RowInputs {
  revenueFen: number;
  targetFen: number | null;
  c: Counts;
  teamId: string | null;
  name: string;
}

const sameInputs = (a: RowInputs, b: RowInputs) =>
  a.revenueFen === b.revenueFen &&
  a.targetFen === b.targetFen &&
  a.teamId === b.teamId &&
  a.name === b.name &&
  a.c.existing === b.c.existing &&
  a.c.prospect === b.c.prospect &&
  a.c.visits === b.c.visits &&
  a.c.demos === b.c.demos &&
  a.c.calls === b.c.calls &&
  a.c.letters === b.c.letters;

/** A board's rows for `months`, from reads covering them (see boardRows); with `memo`, the rows of unchanged reps reused, and `memo` refilled with this board's. */
function buildBoard(reads: BoardReads, months: ClubMonth[], memo?: BoardMemo): BoardRow[] {
  const tsums = reads.figures.targetSums(months);
  const rsums = reads.figures.revenueSums(months);
  const csums = reads.contacts(months);
  const rows = reads.reps
    .filter((r) => r.disabledAt === null || tsums.has(r.id) || (rsums.get(r.id) ?? 0) !== 0)
    .map((r) => {
      const revenueFen = rsums.get(r.id) ?? 0;
      const targetFen = tsums.get(r.id)?.fen ?? null;
      const c = csums.get(r.id) ?? NO_CONTACTS;
      const inputs: RowInputs = { revenueFen, targetFen, c, teamId: r.teamId, name: r.name };
      const before = memo?.get(r.id);
      const row: BoardRow =
        before && sameInputs(before.inputs, inputs)
          ? before.row
          : {
              rank: 0,
              repId: r.id,
              name: r.name,
              teamId: r.teamId,
              revenue: toYuan(revenueFen),
              target: targetFen === null ? null : toYuan(targetFen),
              attainment: attainment(revenueFen, targetFen),
              contacts: { inPerson: c.existing + c.prospect, ...c },
              ratio: ratio(c.existing, c.prospect),
            };
      return { inputs, row };
    });
  // The shared total order (realtime/board-delta.ts): web clients re-sort deltas with it.
  rows.sort((a, b) => compareBoardRows(a.row, b.row));
  memo?.clear();
  return rows.map(({ inputs, row }, i) => {
    const ranked = row.rank === i + 1 ? row : { ...row, rank: i + 1 };
    memo?.set(row.repId, { inputs, row: ranked });
    return ranked;
  });
}

export interface Leaderboard {
  period: LeaderboardPeriod;
  at: ClubMonth;
  from: ClubMonth;
  to: ClubMonth;
  /** the elapsed part of the period when the board was read, 0–1 (regulation/pace.ts): the bars' pace marker */
  elapsed: number;
  rows: BoardRow[];
}

/** One board, and the club's time zone it was resolved in (the cache checks the month against it). */
export async function computeLeaderboard(deps: Deps, tenantId: string, period: LeaderboardPeriod, at?: ClubMonth) {
  return withTenantRead(deps.database, tenantId, async (tx) => {
    const clock = await clubClock(tx, { deps, tenantId, actor: { kind: "system" } });
    const month = at ?? clock.month;
    const months = periodMonths(period, month);
    const from = months[0]!;
    const to = months.at(-1)!;
    const elapsed = periodElapsed(from, to, markerInstant(clock.now), clock.tz);
    const board: Leaderboard = { period, at: month, from, to, elapsed, rows: await boardRows(tx, period, month) };
    return { board, tz: clock.tz, readAt: clock.now.getTime() };
  });
}

const currentPeriods = (clock: ClubClock) => [
  periodMonths("month", clock.month),
  periodMonths("quarter", clock.month),
  periodMonths("year", clock.month),
];

/** The reads behind the boards of the club's current month, quarter and year: the year's rows. */
export function yearReads(tx: Tx, clock: ClubClock) {
  return boardReads(tx, currentPeriods(clock));
}

/**
 * yearReads again after writes that changed only the revenue or contacts of `reps`:
 * those reps' rows re-read, everything else (the reps themselves, targets, team names)
 * as in `before`, which must be yearReads of the same club month. Equal to a fresh
 * yearReads when that holds (realtime/boards.ts `BoardChange`).
 */
export async function yearReadsFor(tx: Tx, clock: ClubClock, before: BoardReads, reps: readonly string[]): Promise<BoardReads> {
  const periods = currentPeriods(clock);
  const [revenue, contacts] = await Promise.all([
    sumsByRepAndPeriod(tx, "rep_month_totals", ["amount_fen"], periods, reps),
    sumsByRepAndPeriod(tx, "rep_month_contacts", CONTACT_COLUMNS, periods, reps),
  ]);
  return readsOf(
    before.reps,
    {
      targets: before.sums.targets,
      revenue: mergeSums(before.sums.revenue, revenue, reps),
      contacts: mergeSums(before.sums.contacts, contacts, reps),
    },
    before.teams,
  );
}

/** The three boards of the club's current period, from yearReads; with `memos`, each reusing the rows of the one built before (BoardMemo). */
export function currentBoards(clock: ClubClock, r: BoardReads, memos?: Partial<Record<LeaderboardPeriod, BoardMemo>>) {
  const board = (period: LeaderboardPeriod) => buildBoard(r, periodMonths(period, clock.month), memos?.[period]);
  return { month: board("month"), quarter: board("quarter"), year: board("year") };
}

/** The elapsed part of the club's current month, quarter and year (regulation/pace.ts), for the live boards. */
export function currentElapsed(clock: ClubClock) {
  const share = (period: LeaderboardPeriod) => {
    const months = periodMonths(period, clock.month);
    return periodElapsed(months[0]!, months.at(-1)!, markerInstant(clock.now), clock.tz);
  };
  return { month: share("month"), quarter: share("quarter"), year: share("year") };
}

/** The team race of each of the current boards (teams.ts), summed from their rows. */
export function currentTeamRaces(boards: ReturnType<typeof currentBoards>, names: TeamNames) {
  return { month: teamRace(boards.month, names), quarter: teamRace(boards.quarter, names), year: teamRace(boards.year, names) };
}

/**
 * The live boards' source for the current club period (the realtime module puts
 * these under `club.leaderboard`): one transaction, three boards from one read of
 * each table's rows for the year.
 */
export async function leaderboardBoards(deps: Deps, tenantId: string) {
  return withTenantRead(deps.database, tenantId, async (tx) => {
    const clock = await clubClock(tx, { deps, tenantId, actor: { kind: "system" } });
    return currentBoards(clock, await yearReads(tx, clock));
  });
}
