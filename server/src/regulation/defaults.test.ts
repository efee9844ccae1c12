import { describe, expect, it } from "vitest";
import { DEFAULT_CLUB_SETTINGS, DEFAULT_CLUB_TIMEZONE } from "./defaults.ts";
import { DEFAULT_BUSINESS_LINES } from "./tiers.ts";

describe("a new club's settings (docs/revenue.md, §4, §5 and §7; docs/regulation.md)", () => {
  it("are the spec's defaults, in fen and named as the club_settings columns", () => {
    expect(DEFAULT_CLUB_SETTINGS).toEqual({
      tierAFen: 1_000_000, // 10,000 yuan
      tierBFen: 500_000, // 5,000 yuan
      cadenceA: 12,
      cadenceB: 8,
      cadenceC: 6,
      alarmGraceDays: 7,
      businessLines: ["membership", "catering", "spa", "rooms", "golf", "fitness"],
      visitRadiusM: 300, // docs/verified-visits.md
      positionRetentionDays: 90,
    });
    expect(DEFAULT_CLUB_TIMEZONE).toBe("Asia/Shanghai");
  });

  it("a club's own list of lines is a copy: changing it leaves the defaults alone", () => {
    expect(DEFAULT_CLUB_SETTINGS.businessLines).not.toBe(DEFAULT_BUSINESS_LINES);
    expect(DEFAULT_BUSINESS_LINES).toEqual(DEFAULT_CLUB_SETTINGS.businessLines);
  });
});
