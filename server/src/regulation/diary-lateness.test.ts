import { describe, expect, it } from "vitest";
import { diaryDeadline, isLate } from "./diary-lateness.ts";

const SH = "Asia/Shanghai";
const at = (iso: string) => new Date(iso);

describe("isLate", () => {
  it("the deadline is 10:00 the next club day", () => {
    expect(diaryDeadline("2025-03-31", SH).toISOString()).toBe("2025-04-01T02:00:00.000Z");
    expect(diaryDeadline("2025-03-08", "America/New_York").toISOString()).toBe("2025-03-09T14:00:00.000Z"); // after the spring-forward
  });

  it.each([
    // day, submittedAt, now, late
    ["2025-03-31", null, "2025-03-31T22:00:00+08:00", false],
    ["2025-03-31", null, "2025-04-01T09:59:59+08:00", false],
    ["2025-03-31", null, "2025-04-01T10:00:00+08:00", false],
    ["2025-03-31", null, "2025-04-01T10:00:01+08:00", true],
    ["2025-03-31", "2025-04-01T09:30:00+08:00", "2025-04-05T00:00:00+08:00", false],
    ["2025-03-31", "2025-04-01T10:00:00+08:00", "2025-04-05T00:00:00+08:00", false],
    ["2025-03-31", "2025-04-01T10:30:00+08:00", "2025-04-05T00:00:00+08:00", true],
    ["2025-02-28", null, "2025-03-01T10:30:00+08:00", true],
    ["2024-12-31", "2025-01-01T09:00:00+08:00", "2025-01-02T00:00:00+08:00", false],
  ] as const)("%s submitted %s, now %s → late %s", (day, submitted, now, late) => {
    expect(isLate(day, submitted === null ? null : at(submitted), at(now), SH)).toBe(late);
  });
});
