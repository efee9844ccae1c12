import { describe, expect, it } from "vitest";
import { isIsoWeek, mondayOf, wholeWeeks } from "./week.ts";

describe("ISO weeks", () => {
  it.each([
    ["2026-W01", "2025-12-29"],
    ["2026-W12", "2026-03-16"],
    ["2026-W53", "2026-12-28"],
    ["2021-W01", "2021-01-04"],
    ["2020-W53", "2020-12-28"],
  ])("%s starts on %s", (week, monday) => {
    expect(mondayOf(week)).toBe(monday);
  });

  it.each([
    ["2026-W53", true],
    ["2025-W53", false],
    ["2026-W00", false],
    ["2026-W54", false],
    ["2026-12", false],
  ])("%s is a week: %s", (week, ok) => {
    expect(isIsoWeek(week)).toBe(ok);
  });

  it("widens a period to whole weeks", () => {
    expect(wholeWeeks("2026-03-18", "2026-03-25")).toEqual({ from: "2026-03-16", to: "2026-03-29" });
    expect(wholeWeeks("2026-03-16", "2026-03-22")).toEqual({ from: "2026-03-16", to: "2026-03-22" });
  });
});
