import { describe, expect, it } from "vitest";
import { type AwardCandidate, compareCandidates, rankAwards, reachedTargetAt } from "./awards.ts";

const at = (iso: string) => new Date(iso);
const rep = (
  repId: string,
  revenueFen: number,
  targetFen: number,
  reached: string | null = "2025-11-01T00:00:00+08:00",
): AwardCandidate => ({
  repId,
  name: `Rep ${repId}`,
  revenueFen,
  targetFen,
  reachedTargetAt: reached === null ? null : at(reached),
});
const podium = (candidates: AwardCandidate[]) => {
  const a = rankAwards(candidates);
  return [a.champion?.repId ?? null, a.runnerUp?.repId ?? null, a.third?.repId ?? null];
};

describe("rankAwards", () => {
  it("the highest revenue among eligible reps wins", () => {
    const awards = rankAwards([rep("a", 150, 100), rep("b", 300, 200), rep("c", 120, 100), rep("d", 500, 400)]);
    expect(awards.champion).toEqual({ repId: "d", name: "Rep d", revenueFen: 500, attainment: 1.25 });
    expect(awards.runnerUp).toEqual({ repId: "b", name: "Rep b", revenueFen: 300, attainment: 1.5 });
    expect(awards.third).toEqual({ repId: "a", name: "Rep a", revenueFen: 150, attainment: 1.5 });
  });

  it.each([
    ["an ineligible rep with the most revenue gets nothing", [rep("big", 10_000, 10_001), rep("a", 100, 100)], ["a", null, null]],
    ["exactly 100% is eligible", [rep("a", 100, 100)], ["a", null, null]],
    ["no target, no award", [rep("a", 100, 0)], [null, null, null]],
    ["nobody eligible", [rep("a", 99, 100), rep("b", 1, 2)], [null, null, null]],
    ["fewer than three eligible → nulls", [rep("a", 200, 100), rep("b", 150, 100), rep("c", 50, 100)], ["a", "b", null]],
    // equal revenue: higher attainment first
    ["tie → higher attainment", [rep("a", 300, 250), rep("b", 300, 200), rep("c", 300, 300)], ["b", "a", "c"]],
    // equal revenue and attainment: who reached the target first
    [
      "tie → reached the target first",
      [rep("a", 300, 200, "2025-11-02T00:00:00+08:00"), rep("b", 300, 200, "2025-10-01T00:00:00+08:00"), rep("c", 300, 200, null)],
      ["b", "a", "c"],
    ],
    // and finally the rep id, so the podium is always the same
    ["full tie → repId", [rep("z", 300, 200), rep("m", 300, 200), rep("n", 300, 200)], ["m", "n", "z"]],
    ["only three on the podium", [rep("a", 500, 100), rep("b", 400, 100), rep("c", 300, 100), rep("d", 200, 100)], ["a", "b", "c"]],
  ] as const)("%s", (_, candidates, expected) => {
    expect(podium([...candidates])).toEqual(expected);
  });

  it("compares attainment exactly for large amounts", () => {
    // 1e12 yuan targets: the products exceed 2^53
    const a = rep("a", 100_000_000_000_000, 99_999_999_999_999);
    const b = rep("b", 100_000_000_000_000, 99_999_999_999_998);
    expect(podium([a, b])).toEqual(["b", "a", null]);
  });

  it("an empty year has no winners", () => {
    expect(rankAwards([])).toEqual({ champion: null, runnerUp: null, third: null });
  });
});

describe("reachedTargetAt", () => {
  const e = (iso: string, cumulativeFen: number) => ({ at: at(iso), cumulativeFen });

  it.each([
    [
      "the first entry reaching the target",
      [e("2025-03-01T00:00:00Z", 50), e("2025-06-01T00:00:00Z", 100), e("2025-07-01T00:00:00Z", 130)],
      "2025-06-01T00:00:00.000Z",
    ],
    ["never reached", [e("2025-03-01T00:00:00Z", 50), e("2025-06-01T00:00:00Z", 99)], null],
    [
      "a reversal below the target moves the moment to when it was reached again",
      [e("2025-03-01T00:00:00Z", 120), e("2025-04-01T00:00:00Z", 80), e("2025-09-01T00:00:00Z", 110)],
      "2025-09-01T00:00:00.000Z",
    ],
    ["reversed below and never recovered", [e("2025-03-01T00:00:00Z", 120), e("2025-04-01T00:00:00Z", 80)], null],
    ["no entries", [], null],
  ] as const)("%s", (_, entries, expected) => {
    expect(reachedTargetAt([...entries], 100)?.toISOString() ?? null).toBe(expected);
  });

  it("no target, no moment", () => {
    expect(reachedTargetAt([e("2025-03-01T00:00:00Z", 120)], 0)).toBeNull();
  });
});

describe("compareCandidates: every tie-break in both argument orders", () => {
  // [why, the one ranked first, the one ranked second]
  it.each([
    ["more revenue", rep("a", 301, 300), rep("b", 300, 100)],
    ["equal revenue, higher attainment", rep("a", 300, 200), rep("b", 300, 250)],
    [
      "equal revenue, attainment differing beyond a double's precision",
      rep("b", 1e14, 99_999_999_999_998),
      rep("a", 1e14, 99_999_999_999_999),
    ],
    [
      "equal attainment, reached the target first",
      rep("z", 300, 200, "2025-10-01T00:00:00+08:00"),
      rep("a", 300, 200, "2025-10-01T00:00:01+08:00"),
    ],
    ["equal attainment, a moment beats none", rep("z", 300, 200), rep("a", 300, 200, null)],
    ["all else equal, the smaller rep id", rep("m", 300, 200), rep("n", 300, 200)],
    ["neither reached a moment, the smaller rep id", rep("a", 300, 200, null), rep("b", 300, 200, null)],
  ])("%s", (_, first, second) => {
    expect(compareCandidates(first, second)).toBeLessThan(0);
    expect(compareCandidates(second, first)).toBeGreaterThan(0);
    expect(podium([first, second])).toEqual([first.repId, second.repId, null]);
    expect(podium([second, first])).toEqual([first.repId, second.repId, null]);
  });

  it("a candidate ties with itself", () => {
    const a = rep("a", 300, 200);
    expect(compareCandidates(a, { ...a })).toBe(0);
    expect(compareCandidates(rep("a", 300, 200, null), rep("a", 300, 200, null))).toBe(0);
  });
});
