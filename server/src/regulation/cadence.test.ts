import { describe, expect, it } from "vitest";
import { type CadenceInput, cadenceStatus, DEFAULT_CADENCE, intervalDays, requiredVisits } from "./cadence.ts";

const at = (iso: string) => new Date(iso);

describe("cadence", () => {
  it.each([
    ["A", 12, 30],
    ["B", 8, 45],
    ["C", 6, 60],
  ] as const)("tier %s needs %i visits, one every %i days", (tier, required, days) => {
    expect(requiredVisits(tier, DEFAULT_CADENCE)).toBe(required);
    expect(intervalDays(required)).toBe(days);
  });

  it("uses the club's settings", () => {
    expect(intervalDays(requiredVisits("A", { A: 24, B: 8, C: 6 }))).toBe(15);
    expect(intervalDays(365)).toBe(1);
  });

  const base: CadenceInput = {
    lastInPersonAt: null,
    activeSince: at("2025-01-01T00:00:00Z"),
    now: at("2025-03-01T00:00:00Z"),
    tier: "C",
    settings: DEFAULT_CADENCE,
    tz: "Asia/Shanghai",
  };

  it.each([
    // lastInPersonAt, activeSince, now, tier, overdue, daysOverdue
    ["2025-01-01T00:00:00Z", "2024-01-01T00:00:00Z", "2025-01-31T00:00:00Z", "A", false, 0], // exactly 30 days: not older
    ["2025-01-01T00:00:00Z", "2024-01-01T00:00:00Z", "2025-01-31T00:00:01Z", "A", true, 0],
    ["2025-01-01T00:00:00Z", "2024-01-01T00:00:00Z", "2025-02-10T12:00:00Z", "A", true, 10],
    ["2025-01-01T00:00:00Z", "2024-01-01T00:00:00Z", "2025-02-10T12:00:00Z", "B", false, -5],
    ["2025-01-01T00:00:00Z", "2024-01-01T00:00:00Z", "2025-03-03T00:00:00Z", "C", true, 1],
    // none, and active that long
    [null, "2025-01-01T00:00:00Z", "2025-03-02T00:00:01Z", "C", true, 0],
    [null, "2025-01-01T00:00:00Z", "2025-02-28T00:00:00Z", "C", false, -2],
    [null, "2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z", "A", true, 1],
  ] as const)("last %s, active since %s, now %s, tier %s → overdue %s (%i days)", (last, since, now, tier, overdue, days) => {
    const input = { ...base, lastInPersonAt: last ? at(last) : null, activeSince: at(since), now: at(now), tier };
    expect(cadenceStatus(input).overdue).toBe(overdue);
    expect(cadenceStatus(input).daysOverdue).toBe(days);
  });

  it.each([
    // zone, last in-person contact, tier, due (calendar days in the zone: same wall-clock time)
    ["America/New_York", "2025-03-01T15:00:00Z", "A", "2025-03-31T14:00:00.000Z"], // 10:00 EST → 10:00 EDT
    ["America/New_York", "2025-10-20T14:00:00Z", "A", "2025-11-19T15:00:00.000Z"], // 10:00 EDT → 10:00 EST
    ["Europe/Berlin", "2025-10-10T07:00:00Z", "A", "2025-11-09T08:00:00.000Z"], // 09:00 CEST → 09:00 CET
    ["Europe/Berlin", "2025-02-20T23:30:00Z", "A", "2025-03-22T23:30:00.000Z"], // no change in between
    ["Asia/Shanghai", "2025-03-01T15:00:00Z", "B", "2025-04-15T15:00:00.000Z"],
  ] as const)("in %s, last contact %s, tier %s → due %s", (tz, last, tier, due) => {
    const s = cadenceStatus({ ...base, tz, tier, lastInPersonAt: at(last) });
    expect(s.dueAt?.toISOString()).toBe(due);
  });

  it("a wall-clock time the DST change skips or repeats resolves as PostgreSQL does", () => {
    // 02:30 on 2025-03-09 does not exist in New York: the offset before the change (EST) → 03:30 EDT
    const gap = cadenceStatus({ ...base, tz: "America/New_York", tier: "A", lastInPersonAt: at("2025-02-07T07:30:00Z") });
    expect(gap.dueAt?.toISOString()).toBe("2025-03-09T07:30:00.000Z");
    // 01:30 on 2025-11-02 happens twice: the offset after the change (EST)
    const twice = cadenceStatus({ ...base, tz: "America/New_York", tier: "A", lastInPersonAt: at("2025-10-03T05:30:00Z") });
    expect(twice.dueAt?.toISOString()).toBe("2025-11-02T06:30:00.000Z");
  });

  it("a customer that is not active has no cadence", () => {
    const s = cadenceStatus({ ...base, activeSince: null, now: at("2030-01-01T00:00:00Z") });
    expect(s).toMatchObject({ overdue: false, dueAt: null, daysOverdue: null });
  });

  it("sorting by daysOverdue puts the most overdue first", () => {
    const inputs = ["2025-02-20T00:00:00Z", "2024-12-01T00:00:00Z", "2025-01-15T00:00:00Z"].map((d) => ({
      ...base,
      lastInPersonAt: at(d),
      tier: "A" as const,
    }));
    const sorted = [...inputs].sort((a, b) => (cadenceStatus(b).daysOverdue ?? 0) - (cadenceStatus(a).daysOverdue ?? 0));
    expect(sorted.map((i) => i.lastInPersonAt?.toISOString().slice(0, 10))).toEqual(["2024-12-01", "2025-01-15", "2025-02-20"]);
  });
});
