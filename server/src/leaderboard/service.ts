import { repMonthContacts, type Tx, withTenant } from "@clubhouse/db";
import { inArray, sql } from "drizzle-orm";
import { ratio } from "../contacts/rules.ts";
import type { Deps } from "../deps.ts";
import { toYuan } from "../money.ts";
import { type ClubClock, clubClock, loadReps, monthFigures, type RepRow, revenueSums, targetSums } from "../quotas/read.ts";
import { attainment } from "../quotas/rules.ts";
import type { LeaderboardPeriod } from "../realtime/events.ts";
import { type ClubMonth, monthsOfQuarter, monthsOfYear, quarterOfMonth, yearOfMonth } from "../time/club-time.ts";

/**
 * Leaderboards for a club month, quarter or year (SPEC §8): reps by revenue with
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

type ContactSums = Map<string, { existing: number; prospect: number; visits: number; demos: number; calls: number; letters: number }>;

async function contactSums(tx: Tx, months: ClubMonth[]): Promise<ContactSums> {
  const rows = await tx
    .select({
      repId: repMonthContacts.repId,
      existing: sql<string>`sum(${repMonthContacts.existingInPerson})`,
      prospect: sql<string>`sum(${repMonthContacts.prospectInPerson})`,
      visits: sql<string>`sum(${repMonthContacts.visits})`,
      demos: sql<string>`sum(${repMonthContacts.demos})`,
      calls: sql<string>`sum(${repMonthContacts.calls})`,
      letters: sql<string>`sum(${repMonthContacts.letters})`,
    })
    .from(repMonthContacts)
    .where(inArray(repMonthContacts.month, months))
    .groupBy(repMonthContacts.repId);
  return new Map(
    rows.map((r) => [
      r.repId,
      {
        existing: Number(r.existing),
        prospect: Number(r.prospect),
        visits: Number(r.visits),
        demos: Number(r.demos),
        calls: Number(r.calls),
        letters: Number(r.letters),
      },
    ]),
  );
}

/** contactSums for any periods within `months`, from one read of the (rep, month) rows. */
async function contactFigures(tx: Tx, months: ClubMonth[]) {
  const rows = await tx
    .select({
      repId: repMonthContacts.repId,
      month: repMonthContacts.month,
      existing: repMonthContacts.existingInPerson,
      prospect: repMonthContacts.prospectInPerson,
      visits: repMonthContacts.visits,
      demos: repMonthContacts.demos,
      calls: repMonthContacts.calls,
      letters: repMonthContacts.letters,
    })
    .from(repMonthContacts)
    .where(inArray(repMonthContacts.month, months));
  return (period: ClubMonth[]): ContactSums => {
    const within = new Set(period);
    const out: ContactSums = new Map();
    for (const r of rows) {
      if (!within.has(r.month)) continue;
      const e = out.get(r.repId) ?? { existing: 0, prospect: 0, visits: 0, demos: 0, calls: 0, letters: 0 };
      e.existing += r.existing;
      e.prospect += r.prospect;
      e.visits += r.visits;
      e.demos += r.demos;
      e.calls += r.calls;
      e.letters += r.letters;
      out.set(r.repId, e);
    }
    return out;
  };
}

export interface BoardRow {
  rank: number;
  repId: string;
  name: string;
  revenue: number;
  target: number | null;
  attainment: number | null;
  contacts: { inPerson: number; existing: number; prospect: number; visits: number; demos: number; calls: number; letters: number };
  ratio: { existing: number; prospect: number; required: number; shortfall: number; compliant: boolean };
}

/**
 * The rows of one board: every enabled rep, plus any rep with revenue or a target in
 * the period. Ranked by revenue (highest first), ties by attainment (higher first, no
 * target last), then name, then id — so the order is total and stable.
 */
export async function boardRows(tx: Tx, period: LeaderboardPeriod, at: ClubMonth): Promise<BoardRow[]> {
  const months = periodMonths(period, at);
  // Four reads sent together: one round trip on PostgreSQL (postgres.js pipelines them).
  const [reps, tsums, rsums, csums] = await Promise.all([
    loadReps(tx),
    targetSums(tx, months),
    revenueSums(tx, months),
    contactSums(tx, months),
  ]);
  return buildBoard(reps, tsums, rsums, csums);
}

/** A board's rows from its reads (see boardRows). */
function buildBoard(reps: RepRow[], tsums: Map<string, { fen: number }>, rsums: Map<string, number>, csums: ContactSums): BoardRow[] {
  const rows = reps
    .filter((r) => r.disabledAt === null || tsums.has(r.id) || (rsums.get(r.id) ?? 0) !== 0)
    .map((r) => {
      const revenueFen = rsums.get(r.id) ?? 0;
      const targetFen = tsums.get(r.id)?.fen ?? null;
      const c = csums.get(r.id) ?? { existing: 0, prospect: 0, visits: 0, demos: 0, calls: 0, letters: 0 };
      return {
        revenueFen,
        row: {
          rank: 0,
          repId: r.id,
          name: r.name,
          revenue: toYuan(revenueFen),
          target: targetFen === null ? null : toYuan(targetFen),
          attainment: attainment(revenueFen, targetFen),
          contacts: { inPerson: c.existing + c.prospect, ...c },
          ratio: ratio(c.existing, c.prospect),
        },
      };
    });
  rows.sort(
    (a, b) =>
      b.revenueFen - a.revenueFen ||
      (b.row.attainment ?? Number.NEGATIVE_INFINITY) - (a.row.attainment ?? Number.NEGATIVE_INFINITY) ||
      (a.row.name < b.row.name ? -1 : a.row.name > b.row.name ? 1 : 0) ||
      (a.row.repId < b.row.repId ? -1 : 1),
  );
  return rows.map((r, i) => ({ ...r.row, rank: i + 1 }));
}

export interface Leaderboard {
  period: LeaderboardPeriod;
  at: ClubMonth;
  from: ClubMonth;
  to: ClubMonth;
  rows: BoardRow[];
}

/** One board, and the club's time zone it was resolved in (the cache checks the month against it). */
export async function computeLeaderboard(deps: Deps, tenantId: string, period: LeaderboardPeriod, at?: ClubMonth) {
  return withTenant(deps.database, tenantId, async (tx) => {
    const clock = await clubClock(tx, { deps, tenantId, actor: { kind: "system" } });
    const month = at ?? clock.month;
    const months = periodMonths(period, month);
    const board: Leaderboard = { period, at: month, from: months[0]!, to: months.at(-1)!, rows: await boardRows(tx, period, month) };
    return { board, tz: clock.tz };
  });
}

/** The reads behind the boards of the club's current month, quarter and year: one per table. */
export async function yearReads(tx: Tx, clock: ClubClock) {
  const year = periodMonths("year", clock.month);
  const [reps, figures, contacts] = await Promise.all([loadReps(tx), monthFigures(tx, year), contactFigures(tx, year)]);
  return { reps, figures, contacts };
}

/** The three boards of the club's current period, from yearReads. */
export function currentBoards(clock: ClubClock, r: Awaited<ReturnType<typeof yearReads>>) {
  const board = (period: LeaderboardPeriod) => {
    const months = periodMonths(period, clock.month);
    return buildBoard(r.reps, r.figures.targetSums(months), r.figures.revenueSums(months), r.contacts(months));
  };
  return { month: board("month"), quarter: board("quarter"), year: board("year") };
}

/**
 * The live boards' source for the current club period (the realtime module puts
 * these under `club.leaderboard`): one transaction, three boards from one read of
 * each table's rows for the year.
 */
export async function leaderboardBoards(deps: Deps, tenantId: string) {
  return withTenant(deps.database, tenantId, async (tx) => {
    const clock = await clubClock(tx, { deps, tenantId, actor: { kind: "system" } });
    return currentBoards(clock, await yearReads(tx, clock));
  });
}
