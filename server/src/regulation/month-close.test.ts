import { describe, expect, it } from "vitest";
import { addMonths, nextMonth } from "../time/club-time.ts";
import {
  type CustomerStatusHistory,
  churnRate,
  closeMonth,
  closeSequence,
  monthVerdict,
  type RepMonth,
  suspensionAfter,
} from "./month-close.ts";
import { formatPercent } from "./pace.ts";

/** A record from January 2025 on, one month per entry: percent or null (no target), optional churn. */
function record(percents: readonly (number | null)[], churn: Record<number, number> = {}, from = "2025-01"): RepMonth[] {
  return percents.map((p, i) => ({ month: addMonths(from, i), attainment: p === null ? null : p / 100, churnRate: churn[i] ?? 0 }));
}
const outcomes = (months: RepMonth[]) => closeSequence(months).map((c) => c.outcome);
const suspensions = (months: RepMonth[]) => closeSequence(months).map((c) => c.departmentBonusSuspended);

describe("month close ladder", () => {
  it.each([
    ["79/79/79 → warning on the third", [79, 79, 79], ["ok", "ok", "warning"]],
    ["80/79/79 → no warning (80% is not under 80%)", [80, 79, 79], ["ok", "ok", "ok"]],
    ["19 → removal", [19], ["removal"]],
    ["20 → not under 20%", [20], ["ok"]],
    [
      "59 ×5 → warnings from the third, the sixth → removal",
      [59, 59, 59, 59, 59, 59],
      ["ok", "ok", "warning", "warning", "warning", "removal"],
    ],
    ["59 ×5 then 60 → still a warning, not a removal", [59, 59, 59, 59, 59, 60], ["ok", "ok", "warning", "warning", "warning", "warning"]],
    ["a good month breaks the run", [79, 79, 85, 79, 79], ["ok", "ok", "ok", "ok", "ok"]],
    // months without a target break nothing and count toward nothing
    ["79, none, 79, 79 → warning", [79, null, 79, 79], ["ok", null, "ok", "warning"]],
    [
      "59 ×3, none ×2, 59 ×3 → removal on the sixth closed month",
      [59, 59, 59, null, null, 59, 59, 59],
      ["ok", "ok", "warning", null, null, "warning", "warning", "removal"],
    ],
    ["no target at all → nothing closed", [null, null], [null, null]],
  ] as const)("%s", (_, percents, expected) => {
    expect(outcomes(record(percents))).toEqual(expected);
  });

  it("a rep who joined mid-year: too few months for the consecutive rules", () => {
    // joined in October: three months at 70% → a warning only on the third
    const months = record([70, 70, 70], {}, "2025-10");
    expect(outcomes(months)).toEqual(["ok", "ok", "warning"]);
    // and five months at 50% never reach the six-month rule
    expect(outcomes(record([50, 50, 50, 50, 50], {}, "2025-08")).at(-1)).toBe("warning");
  });

  it.each([
    [0.05, "ok"],
    [0.0501, "warning"],
    [0.2, "warning"],
    [0.2001, "removal"],
  ] as const)("churn %d, target met → %s", (churn, outcome) => {
    expect(outcomes(record([100], { 0: churn }))).toEqual([outcome]);
  });

  it("reasons carry messages with numbers; removal wins but every rule is listed", () => {
    const verdict = monthVerdict(record([79, 79, 19]), "2025-03", 0.25);
    expect(verdict?.outcome).toBe("removal");
    expect(verdict?.reasons.map((r) => [r.rule, r.severity])).toEqual([
      ["month-under-20", "removal"],
      ["churn-over-20", "removal"],
      ["three-months-under-80", "warning"],
      ["churn-over-5", "warning"],
    ]);
    expect(verdict?.reasons[0]).toEqual({
      rule: "month-under-20",
      severity: "removal",
      message: "month under 20%: 19%",
      numbers: [0.19],
      months: ["2025-03"],
    });
    expect(verdict?.reasons[1]?.message).toBe("group customer churn 25% over 20%");
    expect(verdict?.reasons[2]?.message).toBe("3 months under 80%: 79%, 79%, 19%");
  });

  it("the message for 79/79/79", () => {
    const verdict = monthVerdict(record([79, 79, 79]), "2025-03", 0);
    expect(verdict?.reasons).toEqual([
      {
        rule: "three-months-under-80",
        severity: "warning",
        message: "3 months under 80%: 79%, 79%, 79%",
        numbers: [0.79, 0.79, 0.79],
        months: ["2025-01", "2025-02", "2025-03"],
      },
    ]);
  });

  it("the verdict ignores months after M and answers null for a month without a target", () => {
    const months = record([79, 79, 79, 100]);
    expect(monthVerdict(months, "2025-02", 0)?.outcome).toBe("ok");
    expect(monthVerdict(record([79, null]), "2025-02", 0.5)).toBeNull();
  });

  it.each([
    [0.7999, "79.9%"],
    [0.79, "79%"],
    [0.57, "57%"],
    [1.2345, "123.4%"],
    [0, "0%"],
  ])("formatPercent(%d) = %s", (f, s) => expect(formatPercent(f)).toBe(s));
});

describe("department bonus suspension", () => {
  it.each([
    // percents, suspended flags
    [
      "suspended from the month after a warning until a month at 100%, which is paid in full",
      [79, 79, 79, 90, 95, 100, 70],
      [false, false, false, true, true, false, false],
    ],
    ["a warning every month keeps it suspended", [79, 79, 79, 79, 79], [false, false, false, true, true]],
    ["99.9% does not end it", [79, 79, 79, 99.9, 120], [false, false, false, true, false]],
    ["a month without a target stays suspended", [79, 79, 79, null, 100], [false, false, false, true, false]],
    ["a removal suspends too", [19, 90, 100], [false, true, false]],
    ["no warning, no suspension", [85, 70, 90, 100], [false, false, false, false]],
  ] as const)("%s", (_, percents, flags) => {
    expect(suspensions(record(percents))).toEqual(flags);
  });

  it("a churn warning in a month at 100% suspends the next month", () => {
    expect(suspensions(record([100, 90, 100], { 0: 0.1 }))).toEqual([false, true, false]);
  });

  it("closeMonth is pure: running the close twice gives the same result", () => {
    const months = record([79, 79, 79, 90, 59], { 4: 0.06 });
    const first = closeMonth(months, "2025-05");
    const second = closeMonth(months, "2025-05");
    expect(second).toEqual(first);
    expect(first).toMatchObject({ month: "2025-05", attainment: 0.59, outcome: "warning", departmentBonusSuspended: true });
    expect(closeSequence(months)).toEqual(closeSequence(months));
    expect(months).toEqual(record([79, 79, 79, 90, 59], { 4: 0.06 })); // input untouched
  });

  it("closeMonth of a month missing from the record: nothing closed, suspension carried", () => {
    expect(closeMonth(record([79, 79, 79]), "2025-04")).toEqual({
      month: "2025-04",
      attainment: null,
      outcome: null,
      reasons: [],
      departmentBonusSuspended: true,
    });
    expect(closeMonth([], "2025-04").departmentBonusSuspended).toBe(false);
  });
});

describe("suspensionAfter (the standing page's explanation)", () => {
  it.each([
    ["79/79/79", [79, 79, 79], true, "2025-04", "2025-03"],
    ["79/79/79/90", [79, 79, 79, 90], true, "2025-04", "2025-03"],
    ["79/79/79/90/100: paid again", [79, 79, 79, 90, 100], false, null, null],
    ["59 ×6: since the first warning, caused by the removal", [59, 59, 59, 59, 59, 59], true, "2025-04", "2025-06"],
    ["79/79/79, none, 79: still suspended, latest cause", [79, 79, 79, null, 79], true, "2025-04", "2025-05"],
    ["19 then 100", [19, 100], false, null, null],
    ["nothing wrong", [85, 90], false, null, null],
    ["no closed months", [], false, null, null],
  ] as const)("%s", (_, percents, suspended, since, causeMonth) => {
    const months = record(percents);
    const closes = closeSequence(months);
    const s = suspensionAfter(closes);
    expect([s.suspended, s.since, s.cause?.month ?? null]).toEqual([suspended, since, causeMonth]);
    // it agrees with the flag the ladder carries into the next month
    const next = months.length ? nextMonth(months.at(-1)!.month) : "2025-01";
    expect(s.suspended).toBe(closeMonth(months, next).departmentBonusSuspended);
  });
});

describe("churnRate", () => {
  const SH = "Asia/Shanghai";
  const at = (iso: string) => new Date(iso);
  const customer = (
    id: string,
    kind: "group" | "individual",
    ...changes: [string, CustomerStatusHistory["changes"][number]["status"]][]
  ) => ({
    customerId: id,
    kind,
    changes: changes.map(([iso, status]) => ({ at: at(iso), status })),
  });
  // the 12 months ending with 2025-03 run from 2024-04-01 00:00 to 2025-04-01 00:00 Shanghai time
  const activeAllYear = (n: number) =>
    Array.from({ length: n }, (_, i) => customer(`a${i}`, "individual", ["2023-01-01T00:00:00+08:00", "active"]));

  it("0 with no customers", () => {
    expect(churnRate([], "2025-03", SH)).toEqual({ churned: 0, base: 0, rate: 0 });
  });

  it.each([
    // group churned, other active customers, rate
    [1, 19, 0.05],
    [1, 18, 1 / 19],
    [4, 16, 0.2],
    [5, 19, 5 / 24],
  ])("%i churned group customers among %i others", (churned, others, rate) => {
    const lost = Array.from({ length: churned }, (_, i) =>
      customer(`g${i}`, "group", ["2024-01-01T00:00:00+08:00", "active"], ["2024-10-01T00:00:00+08:00", "churned"]),
    );
    const r = churnRate([...lost, ...activeAllYear(others)], "2025-03", SH);
    expect(r).toEqual({ churned, base: churned + others, rate });
    expect(closeMonth([{ month: "2025-03", attainment: 1, churnRate: r.rate }], "2025-03").outcome).toBe(
      r.rate > 0.2 ? "removal" : r.rate > 0.05 ? "warning" : "ok",
    );
  });

  it("counts only group customers churned inside the window, in club time", () => {
    const r = churnRate(
      [
        // churned 23:59 on 31 March 2024 Shanghai: before the window
        customer("early", "group", ["2023-01-01T00:00:00+08:00", "active"], ["2024-03-31T23:59:00+08:00", "churned"]),
        // churned at the window's first instant: in, and in the base
        customer("edge", "group", ["2023-01-01T00:00:00+08:00", "active"], ["2024-04-01T00:00:00+08:00", "churned"]),
        // churned 00:30 on 1 April 2025 Shanghai (16:30Z on 31 March): after the window
        customer("late", "group", ["2023-01-01T00:00:00+08:00", "active"], ["2025-03-31T16:30:00Z", "churned"]),
        // an individual churning counts in the base only
        customer("ind", "individual", ["2023-01-01T00:00:00+08:00", "active"], ["2024-06-01T00:00:00+08:00", "churned"]),
        // a prospect that never became active is not in the base
        customer("pros", "group", ["2024-05-01T00:00:00+08:00", "prospect"]),
        // became active inside the window
        customer("new", "individual", ["2024-05-01T00:00:00+08:00", "prospect"], ["2024-06-01T00:00:00+08:00", "active"]),
      ],
      "2025-03",
      SH,
    );
    expect(r).toEqual({ churned: 1, base: 4, rate: 0.25 });
  });

  it("a customer churned twice in the window counts once; unsorted changes are fine", () => {
    const r = churnRate(
      [
        customer(
          "g",
          "group",
          ["2024-09-01T00:00:00+08:00", "churned"],
          ["2024-05-01T00:00:00+08:00", "active"],
          ["2024-10-01T00:00:00+08:00", "active"],
          ["2024-12-01T00:00:00+08:00", "churned"],
          ["2023-05-01T00:00:00+08:00", "prospect"],
        ),
        ...activeAllYear(3),
      ],
      "2025-03",
      SH,
    );
    expect(r).toEqual({ churned: 1, base: 4, rate: 0.25 });
  });
});

describe("month close: edges the ladder must hold", () => {
  const shuffled = <T>(xs: readonly T[]) => [...xs.slice(1).reverse(), xs[0]!].filter((x) => x !== undefined);

  it("the six-month removal names its rule, its label and every month behind it", () => {
    const verdict = monthVerdict(record([59, 59, 59, 59, 59, 59]), "2025-06", 0);
    expect(verdict?.reasons[0]).toEqual({
      rule: "six-months-under-60",
      severity: "removal",
      message: "6 months under 60%: 59%, 59%, 59%, 59%, 59%, 59%",
      numbers: [0.59, 0.59, 0.59, 0.59, 0.59, 0.59],
      months: ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"],
    });
  });

  it.each([
    [0.06, "churn-over-5", "warning", "group customer churn 6% over 5%"],
    [0.21, "churn-over-20", "removal", "group customer churn 21% over 20%"],
  ] as const)("churn %d names its rule, the rate and the month", (rate, rule, severity, message) => {
    const verdict = monthVerdict(record([100, 100]), "2025-02", rate);
    expect(verdict?.reasons[0]).toEqual({ rule, severity, message, numbers: [rate], months: ["2025-02"] });
    expect(verdict?.reasons.every((r) => r.message !== "")).toBe(true);
  });

  it.each([
    ["no record at all", [], "2025-03"],
    ["no record for M itself", [79, 79, 79], "2025-04"],
    ["M without a target", [79, 79, null], "2025-03"],
    ["M before the record starts", [79, 79, 79], "2024-12"],
  ] as const)("monthVerdict is null with %s", (_, percents, month) => {
    expect(monthVerdict(record(percents), month, 0.5)).toBeNull();
  });

  it("the months may come in any order", () => {
    const months = record([59, 59, 59, 59, 59, 59, 100]);
    const inOrder = closeSequence(months);
    expect(closeSequence(shuffled(months))).toEqual(inOrder);
    expect(closeSequence(months.toReversed())).toEqual(inOrder);
    expect(monthVerdict(months.toReversed(), "2025-06", 0)?.outcome).toBe("removal");
    expect(monthVerdict(months.toReversed(), "2025-03", 0)?.outcome).toBe("warning");
    expect(suspensionAfter(inOrder.toReversed())).toEqual(suspensionAfter(inOrder));
    expect(suspensionAfter(inOrder.slice(0, 6).toReversed())).toMatchObject({ suspended: true, since: "2025-04" });
    expect(inOrder.map((c) => c.outcome)).toEqual(["ok", "ok", "warning", "warning", "warning", "removal", "ok"]);
  });

  it("a month without a target closes nothing and has no reasons", () => {
    const closes = closeSequence(record([79, 79, null]));
    expect(closes[2]).toEqual({ month: "2025-03", attainment: null, outcome: null, reasons: [], departmentBonusSuspended: false });
  });

  it("closeMonth of M ignores the months after it", () => {
    const months = record([79, 79, 79, 100]);
    expect(closeMonth(months, "2025-03")).toEqual(closeSequence(months)[2]);
    expect(closeMonth(months, "2025-03").outcome).toBe("warning");
  });

  it("after a month without a target and no suspension, the next month is not suspended", () => {
    expect(closeMonth(record([100, null]), "2025-03").departmentBonusSuspended).toBe(false);
    expect(closeMonth(record([79, 79, 79, null]), "2025-05").departmentBonusSuspended).toBe(true);
    expect(closeMonth(record([100]), "2025-02").departmentBonusSuspended).toBe(false);
    expect(closeMonth(record([19]), "2025-02").departmentBonusSuspended).toBe(true);
  });
});

describe("churnRate: the window's edges, in zones with and without daylight saving", () => {
  const group = (...changes: [string, CustomerStatusHistory["changes"][number]["status"]][]): CustomerStatusHistory => ({
    customerId: "g",
    kind: "group",
    changes: changes.map(([iso, status]) => ({ at: new Date(iso), status })),
  });
  const stayer: CustomerStatusHistory = {
    customerId: "s",
    kind: "individual",
    changes: [{ at: new Date("2020-01-01T00:00:00Z"), status: "active" }],
  };

  // The 12 months ending with 2025-03: Shanghai 2024-03-31T16:00Z – 2025-03-31T16:00Z;
  // New York (daylight time at both ends) 2024-04-01T04:00Z – 2025-04-01T04:00Z;
  // Sydney (still summer time on 1 April both years) 2024-03-31T13:00Z – 2025-03-31T13:00Z.
  it.each([
    ["Asia/Shanghai", "2024-03-31T15:59:59.999Z", "before"],
    ["Asia/Shanghai", "2024-03-31T16:00:00.000Z", "in"],
    ["Asia/Shanghai", "2025-03-31T15:59:59.999Z", "in"],
    ["Asia/Shanghai", "2025-03-31T16:00:00.000Z", "after"],
    ["America/New_York", "2024-04-01T03:59:59.999Z", "before"],
    ["America/New_York", "2024-04-01T04:00:00.000Z", "in"],
    ["America/New_York", "2025-04-01T03:59:59.999Z", "in"],
    ["America/New_York", "2025-04-01T04:00:00.000Z", "after"],
    ["Australia/Sydney", "2024-03-31T12:59:59.999Z", "before"],
    ["Australia/Sydney", "2024-03-31T13:00:00.000Z", "in"],
    ["Australia/Sydney", "2025-03-31T12:59:59.999Z", "in"],
    ["Australia/Sydney", "2025-03-31T13:00:00.000Z", "after"],
  ] as const)("%s: a group customer churned at %s is %s the window", (tz, iso, where) => {
    const r = churnRate([group(["2020-01-01T00:00:00Z", "active"], [iso, "churned"]), stayer], "2025-03", tz);
    // churned before the window: out of the base; in it: churned and in the base; after it: active all window
    const expected = { before: { churned: 0, base: 1 }, in: { churned: 1, base: 2 }, after: { churned: 0, base: 2 } }[where];
    expect(r).toEqual({ ...expected, rate: expected.churned / expected.base });
  });

  it.each([
    ["a group customer that only became active in the window", [["2024-06-01T00:00:00Z", "active"]], { churned: 0, base: 2 }],
    [
      "a churned status written again in the window is no new churn",
      [
        ["2023-01-01T00:00:00Z", "active"],
        ["2024-01-01T00:00:00Z", "churned"],
        ["2024-06-01T00:00:00Z", "churned"],
      ],
      { churned: 0, base: 1 },
    ],
    [
      "changes out of order: the latest before the window decides the status at its start",
      [
        ["2024-02-01T00:00:00Z", "active"],
        ["2023-06-01T00:00:00Z", "churned"],
      ],
      { churned: 0, base: 2 },
    ],
    [
      "changes out of order: churned before the window, won back inside it, churned again",
      [
        ["2024-12-01T00:00:00Z", "churned"],
        ["2024-08-01T00:00:00Z", "active"],
        ["2024-01-01T00:00:00Z", "churned"],
      ],
      { churned: 1, base: 2 },
    ],
  ] as const)("%s", (_, changes, expected) => {
    const r = churnRate([group(...changes.map(([iso, s]) => [iso, s] as [string, typeof s])), stayer], "2025-03", "Asia/Shanghai");
    expect(r).toEqual({ ...expected, rate: expected.churned / expected.base });
  });
});
