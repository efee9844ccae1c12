import { describe, expect, it } from "vitest";
import { alarmTransition, attainment, type PaceLevel, paceLevel } from "./pace.ts";

describe("attainment", () => {
  it.each([
    [50_000, 100_000, 0.5],
    [0, 100_000, 0],
    [120_000, 100_000, 1.2],
    [10, null, null],
    [10, 0, null],
  ])("%i of %s → %s", (achieved, target, expected) => {
    expect(attainment(achieved, target)).toBe(expected);
  });
});

describe("paceLevel", () => {
  const base = { targetFen: 100_000, elapsedFraction: 0.5, dayOfMonth: 15, graceDays: 7 };
  it.each([
    // achieved at half the month, target 1000.00 → pace
    [50_000, "ok"], // 100%
    [40_000, "ok"], // 80% exactly is not below 80%
    [39_999, "80"],
    [30_000, "80"], // 60% exactly is not below 60%
    [29_999, "60"],
    [10_000, "60"], // 20% exactly is not below 20%
    [9_999, "20"],
    [0, "20"],
    [200_000, "ok"],
  ] as const)("achieved %i → %s", (achievedFen, level) => {
    expect(paceLevel({ ...base, achievedFen })).toBe(level);
  });

  it.each([
    [{ dayOfMonth: 7 }, null], // within the grace days
    [{ dayOfMonth: 8 }, "20"],
    [{ dayOfMonth: 1, graceDays: 0, elapsedFraction: 0.01 }, "20"],
    [{ targetFen: null }, null],
    [{ targetFen: 0 }, null],
    [{ elapsedFraction: 0 }, null],
  ] as const)("%o → %s", (patch, level) => {
    expect(paceLevel({ ...base, achievedFen: 0, ...patch })).toBe(level);
  });
});

describe("alarmTransition", () => {
  it.each([
    [null, "ok", "none"],
    ["ok", "80", "raise"],
    ["80", "60", "raise"],
    ["ok", "20", "raise"],
    [null, "60", "raise"],
    ["60", "80", "clear"],
    ["20", "ok", "clear"],
    ["80", null, "clear"],
    ["60", "60", "none"],
    ["ok", "ok", "none"],
  ] as const)("%s → %s: %s", (prev, next, action) => {
    expect(alarmTransition(prev as PaceLevel | null, next as PaceLevel | null)).toBe(action);
  });
});
