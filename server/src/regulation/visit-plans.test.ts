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
});
