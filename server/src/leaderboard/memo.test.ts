import { describe, expect, it } from "vitest";
import { diffBoards } from "../realtime/board-delta.ts";
import type { LeaderboardPeriod } from "../realtime/events.ts";
import type { ClubClock } from "../settings/club-now.ts";
import { type BoardMemo, currentBoards, type yearReads } from "./service.ts";

// The live boards' rows reused between recomputes (service.ts `BoardMemo`): a rep whose
// figures did not change keeps its row object, and the boards are the same as built
// afresh whatever changed.
type Reads = Awaited<ReturnType<typeof yearReads>>;
type Counts = { existing: number; prospect: number; visits: number; demos: number; calls: number; letters: number };

const clock: ClubClock = { tz: "Asia/Shanghai", now: new Date("2026-05-15T04:00:00Z"), month: "2026-05", graceDays: 3 };
const reps = Array.from({ length: 8 }, (_, i) => ({
  id: `00000000-0000-4000-8000-00000000000${i}`,
  name: `rep ${i}`,
  role: "rep",
  disabledAt: null,
  teamId: i % 2 ? "team-odd" : null,
}));

/** The reads of a club whose every period shows `revenue` (fen) and `contacts` per rep, and a target of 1,000 yuan each. */
function reads(revenue: Map<string, number>, contacts: Map<string, Counts>, names = new Map<string, string>()): Reads {
  return {
    reps: reps.map((r) => ({ ...r, name: names.get(r.id) ?? r.name })),
    figures: {
      targetSums: () => new Map(reps.map((r) => [r.id, { fen: 100_000, months: 1 }])),
      revenueSums: () => new Map(revenue),
    },
    contacts: () => new Map([...contacts].map(([k, v]) => [k, { ...v }])),
    teams: new Map(),
  } as unknown as Reads;
}

const none = (): Counts => ({ existing: 0, prospect: 0, visits: 0, demos: 0, calls: 0, letters: 0 });
const freshMemos = (): Record<LeaderboardPeriod, BoardMemo> => ({ month: new Map(), quarter: new Map(), year: new Map() });

describe("live leaderboards built from the rows before", () => {
  it("keep the row objects of reps whose figures and rank did not change, and equal boards built afresh", () => {
    const revenue = new Map(reps.map((r, i) => [r.id, (i + 1) * 10_000]));
    const contacts = new Map(reps.map((r) => [r.id, none()]));
    const memos = freshMemos();
    const first = currentBoards(clock, reads(revenue, contacts), memos);

    // Nothing changed: every row is the same object.
    const again = currentBoards(clock, reads(revenue, contacts), memos);
    for (const p of ["month", "quarter", "year"] as const) {
      again[p].forEach((row, i) => {
        expect(row).toBe(first[p][i]);
      });
    }

    // One rep's revenue moves them from last to first; another logs a contact; a third is renamed.
    const [low, mid, other] = [reps[0]!.id, reps[3]!.id, reps[5]!.id];
    revenue.set(low, 1_000_000);
    contacts.set(mid, { ...none(), existing: 1, visits: 1 });
    const names = new Map([[other, "renamed"]]);
    const next = currentBoards(clock, reads(revenue, contacts, names), memos);
    expect(next).toEqual(currentBoards(clock, reads(revenue, contacts, names)));
    const before = new Map(again.month.map((r) => [r.repId, r]));
    for (const row of next.month) {
      const was = before.get(row.repId)!;
      // a rep whose row or rank changed gets a new object; every other keeps theirs
      if ([low, mid, other].includes(row.repId) || was.rank !== row.rank) expect(row).not.toBe(was);
      else expect(row).toBe(was);
    }
    expect(next.month[0]).toMatchObject({ repId: low, rank: 1, revenue: 10_000 });
    // the diff names only the rows that changed (ranks are renumbered by the client)
    const d = diffBoards({ leaderboard: again }, { leaderboard: next }, 1, 2);
    expect(d.lists?.["leaderboard.month"]?.upsert?.map((r) => r.repId).sort()).toEqual([low, mid, other].sort());
  });
});
