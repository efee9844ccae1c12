import { describe, expect, it } from "vitest";
import { type ActualContact, type PlannedContact, visitPlanAdherence } from "./visit-plans.ts";

describe("visit plan adherence", () => {
  const plan = (id: string, customerId: string, day: string, channel?: PlannedContact["channel"], repId = "r1"): PlannedContact => ({
    id,
    repId,
    customerId,
    day,
    channel,
  });
  const done = (
    id: string,
    customerId: string,
    day: string,
    channel: ActualContact["channel"] = "visit",
    voided = false,
    repId = "r1",
  ): ActualContact => ({
    id,
    repId,
    customerId,
    day,
    channel,
    voided,
  });

  it("kept on the day, kept later in the week, missed, and unplanned", () => {
    // ISO week 2025-W14 runs Mon 31 March – Sun 6 April
    const rows = visitPlanAdherence(
      [plan("p1", "c1", "2025-03-31"), plan("p2", "c2", "2025-04-01"), plan("p3", "c3", "2025-04-02")],
      [done("x1", "c1", "2025-03-31"), done("x2", "c2", "2025-04-04"), done("x3", "c9", "2025-04-02"), done("x4", "c3", "2025-04-07")],
    );
    expect(rows).toEqual([
      { repId: "r1", week: "2025-W14", planned: 3, kept: 2, keptOnDay: 1, unplanned: 1, adherence: 2 / 3, missed: ["p3"] },
      // the visit to c3 on Monday 7 April is the next week: it keeps nothing
      { repId: "r1", week: "2025-W15", planned: 0, kept: 0, keptOnDay: 0, unplanned: 1, adherence: null, missed: [] },
    ]);
  });

  it("a visit plan needs an in-person contact; a call plan takes any contact", () => {
    const rows = visitPlanAdherence(
      [plan("p1", "c1", "2025-03-31"), plan("p2", "c2", "2025-03-31", "phone")],
      [done("x1", "c1", "2025-03-31", "phone"), done("x2", "c2", "2025-03-31", "demo")],
    );
    expect(rows[0]).toMatchObject({ planned: 2, kept: 1, missed: ["p1"], unplanned: 1 });
  });

  it("one contact keeps one plan; a visit is not spent on a call plan", () => {
    const rows = visitPlanAdherence(
      [plan("call", "c1", "2025-03-31", "phone"), plan("visit", "c1", "2025-04-01"), plan("again", "c1", "2025-04-03")],
      [done("v", "c1", "2025-04-02", "visit"), done("p", "c1", "2025-04-02", "phone")],
    );
    expect(rows[0]).toMatchObject({ planned: 3, kept: 2, keptOnDay: 0, missed: ["again"] });
  });

  it("voided contacts keep nothing; reps are kept apart", () => {
    const rows = visitPlanAdherence(
      [plan("p1", "c1", "2025-03-31"), plan("p2", "c1", "2025-03-31", undefined, "r2")],
      [done("x1", "c1", "2025-03-31", "visit", true), done("x2", "c1", "2025-03-31", "visit", false, "r2")],
    );
    expect(rows.map((r) => [r.repId, r.kept, r.unplanned])).toEqual([
      ["r1", 0, 0],
      ["r2", 1, 0],
    ]);
  });

  // Each case in both input orders: the answer never depends on the order rows arrive in.
  const bothOrders = <T>(xs: T[]) => [xs, [...xs].reverse()];

  it.each([
    [
      // Monday: a call plan and, for Wednesday, a visit plan; on Monday both a visit and a call happened
      "a call plan takes the call of the day, leaving the visit for the visit plan",
      [plan("call", "c1", "2025-03-31", "phone"), plan("visit", "c1", "2025-04-02")],
      [done("v", "c1", "2025-03-31", "visit"), done("p", "c1", "2025-03-31", "phone")],
      { planned: 2, kept: 2, keptOnDay: 1, unplanned: 0, missed: [] },
    ],
    [
      "a letter plan later in the week takes the letter, not the visit",
      [plan("letter", "c1", "2025-04-03", "letter"), plan("visit", "c1", "2025-04-04")],
      [done("v", "c1", "2025-03-31", "demo"), done("l", "c1", "2025-04-01", "letter")],
      { planned: 2, kept: 2, keptOnDay: 0, unplanned: 0, missed: [] },
    ],
    [
      "two visit plans, one visit: the earlier plan is kept",
      [plan("mon", "c1", "2025-03-31"), plan("thu", "c1", "2025-04-03")],
      [done("v", "c1", "2025-04-01")],
      { planned: 2, kept: 1, keptOnDay: 0, unplanned: 0, missed: ["thu"] },
    ],
    [
      "two visit plans on the same day, one visit: the smaller id is kept",
      [plan("b", "c1", "2025-03-31"), plan("a", "c1", "2025-03-31")],
      [done("v", "c1", "2025-04-01")],
      { planned: 2, kept: 1, keptOnDay: 0, unplanned: 0, missed: ["b"] },
    ],
    [
      "a plan kept on its day takes no second contact later in the week",
      [plan("p", "c1", "2025-03-31")],
      [done("mon", "c1", "2025-03-31"), done("tue", "c1", "2025-04-01")],
      { planned: 1, kept: 1, keptOnDay: 1, unplanned: 1, missed: [] },
    ],
    [
      "a same-day match wins over an earlier one in the week",
      [plan("early", "c1", "2025-03-31"), plan("wed", "c1", "2025-04-02")],
      [done("v", "c1", "2025-04-02")],
      { planned: 2, kept: 1, keptOnDay: 1, unplanned: 0, missed: ["early"] },
    ],
  ] as const)("%s", (_, plans, contacts, expected) => {
    for (const ps of bothOrders([...plans])) {
      for (const cs of bothOrders([...contacts])) {
        const rows = visitPlanAdherence(ps, cs);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ ...expected, missed: [...expected.missed] });
      }
    }
  });

  it("rows come by rep, then by week, whatever order the plans came in", () => {
    const plans = [
      plan("p1", "c1", "2025-04-07", undefined, "r2"),
      plan("p2", "c1", "2025-03-31", undefined, "r2"),
      plan("p3", "c1", "2025-04-07", undefined, "r1"),
      plan("p4", "c1", "2025-03-31", undefined, "r1"),
      plan("p5", "c1", "2024-12-30", undefined, "r1"), // ISO week 2025-W01
    ];
    for (const ps of bothOrders(plans)) {
      expect(visitPlanAdherence(ps, []).map((r) => `${r.repId} ${r.week}`)).toEqual([
        "r1 2025-W01",
        "r1 2025-W14",
        "r1 2025-W15",
        "r2 2025-W14",
        "r2 2025-W15",
      ]);
    }
  });
});
