import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDays,
  addMonths,
  atClubTime,
  clubDaySchema,
  clubMonthSchema,
  clubQuarterSchema,
  clubYearSchema,
  dayOf,
  dayOfMonthOf,
  dayRange,
  daysInMonth,
  elapsedFractionOfMonth,
  isClubDay,
  isClubMonth,
  isClubQuarter,
  isClubYear,
  isoWeekOf,
  isTimeZone,
  isWithin,
  monthOf,
  monthRange,
  monthsEnding,
  monthsOfQuarter,
  monthsOfYear,
  nextMonth,
  parseDay,
  parseMonth,
  parseQuarter,
  previousMonth,
  quarterOf,
  quarterOfMonth,
  quarterRange,
  yearOf,
  yearRange,
} from "./club-time.ts";

const SH = "Asia/Shanghai";
const NY = "America/New_York";
const at = (iso: string) => new Date(iso);

describe("instant → club period", () => {
  it.each([
    // 23:30 on the last day of March in Shanghai is still March
    ["2025-03-31T23:30:00+08:00", SH, "2025-03-31", "2025-03", "2025-Q1", "2025"],
    ["2025-03-31T15:30:00Z", SH, "2025-03-31", "2025-03", "2025-Q1", "2025"],
    // 16:30Z is 00:30 on 1 April in Shanghai
    ["2025-03-31T16:30:00Z", SH, "2025-04-01", "2025-04", "2025-Q2", "2025"],
    ["2025-03-31T15:59:59.999Z", SH, "2025-03-31", "2025-03", "2025-Q1", "2025"],
    ["2025-03-31T16:00:00Z", SH, "2025-04-01", "2025-04", "2025-Q2", "2025"],
    ["2024-12-31T16:00:00Z", SH, "2025-01-01", "2025-01", "2025-Q1", "2025"],
    ["2024-12-31T15:59:59Z", SH, "2024-12-31", "2024-12", "2024-Q4", "2024"],
    // the same instant is still the previous day in New York
    ["2025-04-01T03:59:00Z", NY, "2025-03-31", "2025-03", "2025-Q1", "2025"],
    ["2025-04-01T04:00:00Z", NY, "2025-04-01", "2025-04", "2025-Q2", "2025"],
    ["2025-07-01T00:00:00Z", "UTC", "2025-07-01", "2025-07", "2025-Q3", "2025"],
  ])("%s in %s", (iso, tz, day, month, quarter, year) => {
    expect(dayOf(at(iso), tz)).toBe(day);
    expect(monthOf(at(iso), tz)).toBe(month);
    expect(quarterOf(at(iso), tz)).toBe(quarter);
    expect(yearOf(at(iso), tz)).toBe(year);
  });

  it("gives the day of the month in club time", () => {
    expect(dayOfMonthOf(at("2025-03-07T16:00:00Z"), SH)).toBe(8);
    expect(dayOfMonthOf(at("2025-03-07T15:59:00Z"), SH)).toBe(7);
  });

  it("an instant's day, asked again and again around days the clocks change, is the zone's calendar day", () => {
    // en-CA formats a date as YYYY-MM-DD: the platform's own reading of the zone
    const calendarDay = (d: Date, tz: string) => new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(d);
    const zones = [SH, NY, "Europe/London", "Australia/Lord_Howe", "America/Havana", "America/Santiago", "Pacific/Apia"];
    const anchors = [
      "2025-03-09T00:00:00Z",
      "2025-11-02T00:00:00Z",
      "2025-03-30T00:00:00Z",
      "2025-04-06T00:00:00Z",
      "2011-12-29T00:00:00Z",
      "2025-09-07T00:00:00Z",
    ];
    for (const tz of zones)
      for (const a of anchors)
        for (let m = -36 * 60; m <= 36 * 60; m += 17) {
          const d = new Date(Date.parse(a) + m * 60_000);
          expect(dayOf(d, tz), `${d.toISOString()} in ${tz}`).toBe(calendarDay(d, tz));
        }
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true }),
        fc.constantFrom(SH, NY, "UTC", "Europe/London", "Australia/Sydney", "America/Havana"),
        (d, tz) => {
          expect(dayOf(d, tz)).toBe(calendarDay(d, tz));
          expect(dayOf(new Date(d.getTime() + 1), tz)).toBe(calendarDay(new Date(d.getTime() + 1), tz));
        },
      ),
    );
  });

  it("refuses an unknown zone", () => {
    expect(isTimeZone("Asia/Shanghai")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
    expect(() => dayOf(at("2025-01-01T00:00:00Z"), "Mars/Olympus")).toThrow(RangeError);
    expect(() => monthRange("2025-01", "Mars/Olympus")).toThrow(RangeError);
  });
});

describe("club period → half-open range of instants", () => {
  it.each([
    ["2025-03", SH, "2025-02-28T16:00:00.000Z", "2025-03-31T16:00:00.000Z"],
    ["2024-02", SH, "2024-01-31T16:00:00.000Z", "2024-02-29T16:00:00.000Z"],
    ["2024-12", SH, "2024-11-30T16:00:00.000Z", "2024-12-31T16:00:00.000Z"],
    // New York springs forward on 9 March 2025: March starts at -05:00, April at -04:00
    ["2025-03", NY, "2025-03-01T05:00:00.000Z", "2025-04-01T04:00:00.000Z"],
    // …and falls back on 2 November
    ["2025-11", NY, "2025-11-01T04:00:00.000Z", "2025-12-01T05:00:00.000Z"],
  ])("month %s in %s", (month, tz, start, end) => {
    const r = monthRange(month, tz);
    expect(r.start.toISOString()).toBe(start);
    expect(r.end.toISOString()).toBe(end);
  });

  it("DST days are 23 and 25 hours long in New York", () => {
    const spring = dayRange("2025-03-09", NY);
    expect(spring.start.toISOString()).toBe("2025-03-09T05:00:00.000Z");
    expect((spring.end.getTime() - spring.start.getTime()) / 3_600_000).toBe(23);
    const fall = dayRange("2025-11-02", NY);
    expect((fall.end.getTime() - fall.start.getTime()) / 3_600_000).toBe(25);
  });

  it("a day whose midnight DST skips starts at its first real instant", () => {
    // São Paulo sprang forward at 00:00 on 4 Nov 2018: the day began at 01:00 local
    expect(dayRange("2018-11-04", "America/Sao_Paulo").start.toISOString()).toBe("2018-11-04T03:00:00.000Z");
  });

  it.each([
    ["2025-Q1", SH, "2024-12-31T16:00:00.000Z", "2025-03-31T16:00:00.000Z"],
    ["2025-Q2", SH, "2025-03-31T16:00:00.000Z", "2025-06-30T16:00:00.000Z"],
    ["2025-Q4", SH, "2025-09-30T16:00:00.000Z", "2025-12-31T16:00:00.000Z"],
    ["2025-Q1", NY, "2025-01-01T05:00:00.000Z", "2025-04-01T04:00:00.000Z"],
  ])("quarter %s in %s", (quarter, tz, start, end) => {
    const r = quarterRange(quarter, tz);
    expect(r.start.toISOString()).toBe(start);
    expect(r.end.toISOString()).toBe(end);
  });

  it("quarter boundary: 23:59 on 30 June is Q2, midnight is Q3 (Shanghai)", () => {
    const q3 = quarterRange("2025-Q3", SH);
    expect(isWithin(at("2025-06-30T23:59:59+08:00"), q3)).toBe(false);
    expect(isWithin(at("2025-07-01T00:00:00+08:00"), q3)).toBe(true);
    expect(quarterOf(at("2025-06-30T23:59:59+08:00"), SH)).toBe("2025-Q2");
  });

  it("year range", () => {
    const r = yearRange("2025", SH);
    expect(r.start.toISOString()).toBe("2024-12-31T16:00:00.000Z");
    expect(r.end.toISOString()).toBe("2025-12-31T16:00:00.000Z");
  });

  it("ranges tile: each month ends where the next begins, and every instant lies in its own month", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true }),
        fc.constantFrom(SH, NY, "UTC", "Europe/London", "Australia/Sydney"),
        (d, tz) => {
          const month = monthOf(d, tz);
          expect(isWithin(d, monthRange(month, tz))).toBe(true);
          expect(monthRange(month, tz).end).toEqual(monthRange(nextMonth(month), tz).start);
          expect(isWithin(d, dayRange(dayOf(d, tz), tz))).toBe(true);
          expect(isWithin(d, quarterRange(quarterOf(d, tz), tz))).toBe(true);
        },
      ),
    );
  });
});

describe("calendar arithmetic", () => {
  it.each([
    ["2024-02", 29],
    ["2025-02", 28],
    ["2000-02", 29],
    ["2100-02", 28],
    ["2025-04", 30],
    ["2025-12", 31],
  ])("daysInMonth(%s) = %i", (m, n) => expect(daysInMonth(m)).toBe(n));

  it("leap-year February in club time ends at midnight of 1 March", () => {
    expect(monthRange("2024-02", SH).end).toEqual(at("2024-03-01T00:00:00+08:00"));
    expect(monthOf(at("2024-02-29T23:59:00+08:00"), SH)).toBe("2024-02");
  });

  it("month steps", () => {
    expect(previousMonth("2025-01")).toBe("2024-12");
    expect(nextMonth("2024-12")).toBe("2025-01");
    expect(addMonths("2025-03", -15)).toBe("2023-12");
    expect(addMonths("2025-03", 22)).toBe("2027-01");
    expect(monthsEnding("2025-03", 3)).toEqual(["2025-01", "2025-02", "2025-03"]);
    expect(monthsEnding("2025-03", 12)[0]).toBe("2024-04");
  });

  it("quarters and years list their months", () => {
    expect(monthsOfQuarter("2025-Q2")).toEqual(["2025-04", "2025-05", "2025-06"]);
    expect(monthsOfYear("2025")).toHaveLength(12);
    expect(monthsOfYear("2025")[11]).toBe("2025-12");
    expect(quarterOfMonth("2025-09")).toBe("2025-Q3");
    expect(quarterOfMonth("2025-10")).toBe("2025-Q4");
  });

  it("day steps cross months and leap days", () => {
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2025-02-28", 1)).toBe("2025-03-01");
    expect(addDays("2025-01-01", -1)).toBe("2024-12-31");
  });

  it.each([
    ["2025-01-01", "2025-W01"],
    ["2024-12-30", "2025-W01"],
    ["2021-01-03", "2020-W53"],
    ["2025-03-31", "2025-W14"],
    ["2025-04-06", "2025-W14"],
    ["2025-04-07", "2025-W15"],
  ])("isoWeekOf(%s) = %s", (d, w) => expect(isoWeekOf(d)).toBe(w));

  it("wall-clock times in club time", () => {
    expect(atClubTime("2025-04-01", 10, 0, SH).toISOString()).toBe("2025-04-01T02:00:00.000Z");
    expect(atClubTime("2025-07-01", 10, 0, NY).toISOString()).toBe("2025-07-01T14:00:00.000Z");
  });
});

describe("elapsed fraction of a month", () => {
  it.each([
    ["2025-04-01T00:00:00+08:00", "2025-04", 0],
    ["2025-04-16T00:00:00+08:00", "2025-04", 0.5],
    ["2025-05-01T00:00:00+08:00", "2025-04", 1],
    ["2025-03-20T00:00:00+08:00", "2025-04", 0],
    ["2025-06-20T00:00:00+08:00", "2025-04", 1],
  ])("%s of %s → %d", (iso, month, f) => {
    expect(elapsedFractionOfMonth(at(iso), month, SH)).toBeCloseTo(f, 12);
  });

  it("counts real time across a DST change", () => {
    // March 2025 in New York is 743 real hours; 9 March 05:00Z is 8 days (192 h) in
    const f = elapsedFractionOfMonth(at("2025-03-09T05:00:00Z"), "2025-03", NY);
    expect(f).toBeCloseTo(192 / 743, 12);
  });
});

describe("validators", () => {
  it.each([
    ["2025-03", true],
    ["2025-13", false],
    ["2025-3", false],
    ["2025-00", false],
    ["25-03", false],
  ])("month %s → %s", (s, ok) => {
    expect(isClubMonth(s)).toBe(ok);
    expect(clubMonthSchema.safeParse(s).success).toBe(ok);
  });

  it.each([
    ["2024-02-29", true],
    ["2025-02-29", false],
    ["2025-04-31", false],
    ["2025-04-30", true],
    ["2025-4-30", false],
    ["2025-04-30T00:00", false],
  ])("day %s → %s", (s, ok) => {
    expect(isClubDay(s)).toBe(ok);
    expect(clubDaySchema.safeParse(s).success).toBe(ok);
  });

  it("quarters", () => {
    expect(isClubQuarter("2025-Q4")).toBe(true);
    expect(isClubQuarter("2025-Q5")).toBe(false);
    expect(() => monthsOfQuarter("2025-Q0")).toThrow(RangeError);
  });
});

describe("period patterns: the whole string, nothing before or after", () => {
  // [kind, text, valid]
  const cases: [string, string, boolean][] = [
    ["day", "2025-02-28", true],
    ["day", "2024-02-29", true],
    ["day", "2025-12-31", true],
    ["day", "2025-02-30", false],
    ["day", "2025-02-29", false],
    ["day", "2025-13-01", false],
    ["day", "2025-00-10", false],
    ["day", "2025-01-32", false],
    ["day", "2025-01-00", false],
    ["day", "x2025-01-01", false],
    ["day", "12025-01-01", false],
    ["day", "2025-01-01x", false],
    ["day", "2025-01-011", false],
    ["day", " 2025-01-01", false],
    ["month", "2025-01", true],
    ["month", "2025-12", true],
    ["month", "x2025-01", false],
    ["month", "12025-01", false],
    ["month", "2025-01x", false],
    ["month", "2025-011", false],
    ["month", "2025-01-01", false],
    ["quarter", "2025-Q1", true],
    ["quarter", "2025-Q4", true],
    ["quarter", "2025-Q0", false],
    ["quarter", "2025-Q5", false],
    ["quarter", "x2025-Q1", false],
    ["quarter", "12025-Q1", false],
    ["quarter", "2025-Q1x", false],
    ["quarter", "2025-Q12", false],
    ["quarter", "2025-q1", false],
    ["year", "2025", true],
    ["year", "0999", true],
    ["year", "x2025", false],
    ["year", "12025", false],
    ["year", "2025x", false],
    ["year", "20255", false],
    ["year", "202", false],
    ["year", "2025-01", false],
  ];
  const check: Record<string, (s: string) => boolean> = { day: isClubDay, month: isClubMonth, quarter: isClubQuarter, year: isClubYear };
  const schema = { day: clubDaySchema, month: clubMonthSchema, quarter: clubQuarterSchema, year: clubYearSchema };
  const refusal = {
    day: { message: "must be a date YYYY-MM-DD", params: { format: "date", code: "invalid_format" } },
    month: { message: "must be a month YYYY-MM", params: { format: "month", code: "invalid_format" } },
    quarter: { message: "must be a quarter YYYY-Qn", params: { format: "quarter", code: "invalid_format" } },
    year: { message: "must be a year YYYY", params: { format: "year", code: "invalid_format" } },
  };

  it.each(cases)("%s %s → %s", (kind, text, valid) => {
    const k = kind as keyof typeof schema;
    expect(check[k]!(text)).toBe(valid);
    const issues = (schema[k].safeParse(text).error?.issues ?? []).map((i) => ({
      message: i.message,
      params: (i as { params?: unknown }).params,
    }));
    expect(issues).toEqual(valid ? [] : [refusal[k]]);
  });

  it.each(cases)("parsing %s %s → %s", (kind, text, valid) => {
    const parse = {
      day: () => parseDay(text),
      month: () => parseMonth(text),
      quarter: () => parseQuarter(text),
      year: () => monthsOfYear(text),
    }[kind]!;
    const what = { day: "a date YYYY-MM-DD", month: "a month YYYY-MM", quarter: "a quarter YYYY-Qn", year: "a year YYYY" }[kind];
    if (valid) expect(parse).not.toThrow();
    else expect(parse).toThrow(new RangeError(`not ${what}: ${text}`));
  });

  it.each([
    ["2024-02-29", { year: 2024, month: 2, day: 29 }],
    ["2025-12-31", { year: 2025, month: 12, day: 31 }],
    ["0999-01-01", { year: 999, month: 1, day: 1 }],
  ])("parseDay(%s)", (day, parts) => expect(parseDay(day)).toEqual(parts));

  it("parses months, quarters and years into numbers", () => {
    expect(parseMonth("2025-09")).toEqual({ year: 2025, month: 9 });
    expect(parseQuarter("2025-Q3")).toEqual({ year: 2025, quarter: 3 });
    expect(monthsOfYear("0999")[0]).toBe("0999-01");
  });

  it("periods built from a refused string are refused too", () => {
    expect(() => addDays("2025-02-30", 1)).toThrow(RangeError);
    expect(() => daysInMonth("2025-13")).toThrow(RangeError);
    expect(() => monthsOfQuarter("2025-Q5")).toThrow(RangeError);
    expect(() => yearRange("2025-01", SH)).toThrow(RangeError);
  });
});
