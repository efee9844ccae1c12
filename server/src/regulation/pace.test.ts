import { describe, expect, it } from "vitest";
import { alarmTransition, attainment, type PaceLevel, paceLevel, periodElapsed } from "./pace.ts";

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

describe("periodElapsed: the board's pace marker", () => {
  const tz = "Asia/Shanghai";
  it("real time gone in the club's months from–to, 0 before and 1 after", () => {
    expect(periodElapsed("2026-05", "2026-05", new Date("2026-05-16T12:00:00+08:00"), tz)).toBeCloseTo((15 * 24 + 12) / (31 * 24), 12);
    expect(periodElapsed("2026-04", "2026-06", new Date("2026-05-01T00:00:00+08:00"), tz)).toBeCloseTo(30 / 91, 12);
    expect(periodElapsed("2026-01", "2026-12", new Date("2026-01-01T00:00:00+08:00"), tz)).toBe(0);
    expect(periodElapsed("2026-01", "2026-12", new Date("2025-12-31T23:59:00+08:00"), tz)).toBe(0);
    expect(periodElapsed("2026-01", "2026-12", new Date("2027-01-01T00:00:00+08:00"), tz)).toBe(1);
  });
  it("counts hours, not days, across a DST change (a 743-hour March in New York)", () => {
    // 2026-03-08 is 23 hours long in America/New_York: half of March is 371.5 hours in
    const start = new Date("2026-03-01T05:00:00Z");
    expect(periodElapsed("2026-03", "2026-03", new Date(start.getTime() + 371.5 * 3_600_000), "America/New_York")).toBeCloseTo(0.5, 12);
  });
});
