import { describe, expect, it } from "vitest";
import { applyDelta, canonicalBoards, diffBoards } from "../realtime/board-delta.ts";
import { teamRace } from "./teams.ts";

const names = [
  { id: "t-b", name: "Bravo" },
  { id: "t-a", name: "Alpha" },
  { id: "t-c", name: "Charlie" },
  { id: "t-d", name: "Alpha" },
];
const row = (teamId: string | null, revenue: number, target: number | null) => ({ teamId, revenue, target });

describe("the team race", () => {
  it("sums each team's rows exactly (in fen), counts its reps, and leaves reps without a team out", () => {
    const race = teamRace(
      [row("t-a", 0.1, 100), row("t-a", 0.2, null), row("t-b", 1000.01, null), row(null, 9_999_999, 1), row("t-gone", 5, 5)],
      names,
    );
    const a = race.find((r) => r.teamId === "t-a")!;
    expect(a).toMatchObject({ revenue: 0.3, target: 100, reps: 2 });
    expect(a.attainment).toBeCloseTo(0.003, 10);
    expect(race.find((r) => r.teamId === "t-b")).toMatchObject({ revenue: 1000.01, target: null, attainment: null, reps: 1 });
    // a team with no rep on the board runs at zero; a team of another club (not in names) never appears
    expect(race.find((r) => r.teamId === "t-c")).toMatchObject({ revenue: 0, target: null, reps: 0 });
    expect(race.map((r) => r.teamId).sort()).toEqual(["t-a", "t-b", "t-c", "t-d"]);
  });

  it("ranks by revenue, then attainment (none last), then name, then id", () => {
    const race = teamRace(
      [row("t-a", 500, 1000), row("t-b", 500, 500), row("t-c", 500, null), row("t-d", 500, 1000), row("t-d", 0, null)],
      names,
    );
    // t-b: 100%; t-a and t-d: 50%, both "Alpha" → by id; t-c: no target
    expect(race.map((r) => [r.rank, r.teamId])).toEqual([
      [1, "t-b"],
      [2, "t-a"],
      [3, "t-d"],
      [4, "t-c"],
    ]);
    const richer = teamRace([row("t-c", 501, null), row("t-b", 500, 500)], names);
    expect(richer[0]).toMatchObject({ teamId: "t-c", rank: 1 });
  });

  it("is a keyed, ranked list of the boards: a delta carries the changed teams only, and applying it re-ranks", () => {
    const rows = [row("t-a", 100, null), row("t-b", 200, null), row("t-c", 300, null)];
    const before = canonicalBoards({ teams: { month: teamRace(rows, names) } });
    const after = canonicalBoards({ teams: { month: teamRace([...rows, row("t-a", 1000, null)], names) } });
    const d = diffBoards(before, after, 1, 2);
    expect(Object.keys(d.lists ?? {})).toEqual(["teams.month"]);
    expect(d.lists?.["teams.month"]?.upsert?.map((r) => r.teamId)).toEqual(["t-a"]);
    expect(d.lists?.["teams.month"]?.upsert?.[0]).not.toHaveProperty("rank");
    expect(applyDelta(before, d)).toEqual(after);
    expect((applyDelta(before, d).teams.month as { teamId: string }[])[0]!.teamId).toBe("t-a");
  });
});
