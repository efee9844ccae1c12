import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyDelta, canonicalBoards, compareBoardRows, diffBoards } from "./board-delta.ts";

type R = { repId: string; name: string; revenue: number; attainment: number | null; rank?: number; extra?: number };

function board(rows: R[]) {
  return canonicalBoards({
    leaderboard: { month: rows, quarter: rows, year: rows },
    at: "2026-03",
    today: { day: "2026-03-15", total: 3, reps: { a: 1, b: 2 } as Record<string, number> },
    quota: { month: "2026-03", reps: rows.map((r) => ({ repId: r.repId, name: r.name, level: "ok" })) },
  });
}

const reps = (n: number): R[] =>
  Array.from({ length: n }, (_, i) => ({ repId: `r${String(i).padStart(4, "0")}`, name: `Rep ${i}`, revenue: 1000 - i, attainment: null }));

describe("board deltas", () => {
  it("orders by revenue, then attainment (none last), then name, then id", () => {
    const rows: R[] = [
      { repId: "b", name: "B", revenue: 10, attainment: null },
      { repId: "a", name: "B", revenue: 10, attainment: null },
      { repId: "c", name: "A", revenue: 10, attainment: null },
      { repId: "d", name: "Z", revenue: 10, attainment: 0.1 },
      { repId: "e", name: "Z", revenue: 10.01, attainment: null },
    ];
    expect([...rows].sort(compareBoardRows).map((r) => r.repId)).toEqual(["e", "d", "c", "a", "b"]);
  });

  it("one rep climbing from #400 to #1 sends that rep's rows only, and the client's ranks equal a fresh board's", () => {
    const before = board(reps(600));
    const moved = reps(600).map((r, i) => (i === 399 ? { ...r, revenue: 5000 } : r));
    const after = board(moved);
    const d = diffBoards(before, after, 7, 8);
    expect(Object.keys(d.lists ?? {}).sort()).toEqual(["leaderboard.month", "leaderboard.quarter", "leaderboard.year"]);
    expect(d.lists?.["leaderboard.month"]?.upsert).toHaveLength(1);
    expect(d.lists?.["leaderboard.month"]?.upsert?.[0]).not.toHaveProperty("rank");
    expect(JSON.stringify(d).length).toBeLessThan(1000);
    const applied = applyDelta(before, d);
    expect(applied).toEqual(after);
    expect(applied.leaderboard.month[0]).toMatchObject({ repId: "r0399", rank: 1 });
    // unchanged parts are shared, not copied
    expect(applied.quota).toBe(before.quota);
  });

  it("adds and removes rows and map entries, sets and unsets leaves", () => {
    const before = board(reps(5));
    const next = reps(5).filter((r) => r.repId !== "r0002");
    next.push({ repId: "new", name: "New", revenue: 0, attainment: null });
    const after = { ...board(next), today: { day: "2026-03-16", total: 1, reps: { new: 1 } } } as ReturnType<typeof board>;
    const d = diffBoards(before, after, 1, 2);
    expect(d.lists?.["leaderboard.year"]).toEqual({
      upsert: [{ repId: "new", name: "New", revenue: 0, attainment: null }],
      remove: ["r0002"],
    });
    expect(d.unset?.sort()).toEqual(["today.reps.a", "today.reps.b"]);
    expect(d.set).toMatchObject({ "today.day": "2026-03-16", "today.total": 1, "today.reps.new": 1 });
    expect(applyDelta(before, d)).toEqual(after);
  });

  it("an unchanged board gives an empty delta that still moves the version", () => {
    const b = board(reps(20));
    expect(diffBoards(b, board(reps(20)), 4, 5)).toEqual({ from: 4, version: 5 });
  });

  it("the alarm panel's list: newest first (ties by id, as GET /alarms), one alarm in and one out per raise", () => {
    const alarm = (id: string, raisedAt: string) => ({ id, kind: "pace", level: "60", raisedAt });
    const list = (rows: ReturnType<typeof alarm>[]) => canonicalBoards({ alarms: { latest: rows, next: null as string | null } });
    const before = list([
      alarm("a1", "2026-03-01T00:00:00.000Z"),
      alarm("a3", "2026-03-02T00:00:00.000Z"),
      alarm("a2", "2026-03-02T00:00:00.000Z"),
    ]);
    expect(before.alarms.latest.map((a) => a.id)).toEqual(["a3", "a2", "a1"]);
    // A new alarm pushes the oldest off the list (kept at three here), which now has a next page.
    const after = list([
      alarm("a4", "2026-03-03T00:00:00.000Z"),
      alarm("a3", "2026-03-02T00:00:00.000Z"),
      alarm("a2", "2026-03-02T00:00:00.000Z"),
    ]);
    after.alarms.next = "cursor";
    const d = diffBoards(before, after, 1, 2);
    expect(d.lists).toEqual({ "alarms.latest": { upsert: [alarm("a4", "2026-03-03T00:00:00.000Z")], remove: ["a1"] } });
    expect(d.set).toEqual({ "alarms.next": "cursor" });
    expect(applyDelta(before, d)).toEqual(after);
  });
});

describe("applying deltas keeps every list as a fresh board has it", () => {
  it("any sequence of changes (ties, climbs, falls, rows in and out) gives the board diffBoards was given", () => {
    const row = fc.record({
      repId: fc.constantFrom(...Array.from({ length: 30 }, (_, i) => `r${String(i).padStart(2, "0")}`)),
      name: fc.constantFrom("甲", "乙", "丙", "a", "b"),
      revenue: fc.constantFrom(0, 10, 10.5, 200, 3000),
      attainment: fc.constantFrom(null, 0, 0.5, 1, 2),
    });
    const board = fc
      .uniqueArray(row, { selector: (r) => r.repId, maxLength: 30 })
      .map((rows) => canonicalBoards({ leaderboard: { month: rows }, quota: { month: "2026-03", reps: rows.map((r) => ({ ...r })) } }));
    fc.assert(
      fc.property(fc.array(board, { minLength: 2, maxLength: 6 }), (boards) => {
        let held: Record<string, unknown> = boards[0]!;
        for (let i = 1; i < boards.length; i++) {
          held = applyDelta(held, diffBoards(boards[i - 1]!, boards[i]!, i, i + 1));
          expect(held).toEqual(boards[i]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
