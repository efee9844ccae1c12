import { describe, expect, it } from "vitest";
import {
  type ActualContact,
  type CadenceInput,
  cadenceStatus,
  classifyContact,
  DEFAULT_CADENCE,
  daysOverdue,
  inPersonContactsSince,
  intervalDays,
  isInPerson,
  isOverdue,
  needsReview,
  type PlannedContact,
  prospectNeedsReview,
  ratio,
  ratioOf,
  requiredVisits,
  type TimedContact,
  visitPlanAdherence,
} from "./contacts.ts";

const at = (iso: string) => new Date(iso);

describe("classifyContact", () => {
  it.each([
    ["active", { ok: true, target: "existing" }],
    ["prospect", { ok: true, target: "prospect" }],
    ["churned", { ok: true, target: "prospect" }],
    ["dropped", { ok: false, reason: "customer-dropped" }],
  ] as const)("%s → %o", (status, expected) => {
    expect(classifyContact(status)).toEqual(expected);
  });

  it.each([
    ["visit", true],
    ["demo", true],
    ["phone", false],
    ["letter", false],
  ] as const)("%s in person: %s", (channel, inPerson) => {
    expect(isInPerson(channel)).toBe(inPerson);
  });
});

describe("ratio (1:3)", () => {
  it.each([
    // E, N, required, shortfall, compliant
    [0, 0, 0, 0, true],
    [0, 2, 0, 0, true],
    [1, 0, 1, 1, false],
    [1, 1, 1, 0, true],
    [2, 0, 1, 1, false],
    [2, 1, 1, 0, true],
    [3, 0, 1, 1, false],
    [3, 1, 1, 0, true],
    [4, 1, 2, 1, false],
    [4, 2, 2, 0, true],
    [4, 5, 2, 0, true],
    [12, 3, 4, 1, false],
  ])("E=%i N=%i → required %i, shortfall %i, compliant %s", (e, n, required, shortfall, compliant) => {
    expect(ratio(e, n)).toEqual({ existing: e, prospect: n, required, shortfall, compliant });
  });

  it("counts only in-person, non-voided contacts", () => {
    const r = ratioOf([
      { channel: "visit", target: "existing", voided: false },
      { channel: "demo", target: "existing", voided: false },
      { channel: "phone", target: "existing", voided: false },
      { channel: "visit", target: "existing", voided: true },
      { channel: "visit", target: "existing", voided: false },
      { channel: "visit", target: "existing", voided: false },
      { channel: "letter", target: "prospect", voided: false },
      { channel: "demo", target: "prospect", voided: false },
    ]);
    expect(r).toEqual({ existing: 4, prospect: 1, required: 2, shortfall: 1, compliant: false });
  });
});

describe("prospect review", () => {
  it.each([
    [2, "prospect", false],
    [3, "prospect", true],
    [5, "prospect", true],
    [3, "active", false],
    [4, "churned", false],
    [4, "dropped", false],
  ] as const)("%i in-person contacts, %s → %s", (n, status, expected) => {
    expect(needsReview(n, status)).toBe(expected);
  });

  const c = (iso: string, channel: TimedContact["channel"] = "visit", voided = false): TimedContact => ({
    occurredAt: at(iso),
    channel,
    voided,
  });
  const contacts = [
    c("2025-01-05T10:00:00Z"), // before becoming a prospect (as a churned customer)
    c("2025-02-01T10:00:00Z"),
    c("2025-02-02T10:00:00Z", "phone"),
    c("2025-02-03T10:00:00Z", "visit", true),
    c("2025-02-04T10:00:00Z", "demo"),
    c("2025-02-10T10:00:00Z"),
    c("2025-03-01T10:00:00Z"),
  ];

  it("counts in-person contacts since the customer became a prospect", () => {
    const window = { becameProspectAt: at("2025-02-01T10:00:00Z"), lastReviewedAt: null };
    expect(inPersonContactsSince(contacts, window)).toBe(4);
    expect(prospectNeedsReview("prospect", contacts, window)).toBe(true);
  });

  it("a review decision starts the count again", () => {
    const window = { becameProspectAt: at("2025-02-01T10:00:00Z"), lastReviewedAt: at("2025-02-10T10:00:00Z") };
    // the contact at the instant of the review was in the reviewed batch
    expect(inPersonContactsSince(contacts, window)).toBe(1);
    expect(prospectNeedsReview("prospect", contacts, window)).toBe(false);
    const more = [...contacts, c("2025-03-02T10:00:00Z"), c("2025-03-03T10:00:00Z", "demo")];
    expect(prospectNeedsReview("prospect", more, window)).toBe(true);
  });

  it("a customer that became active leaves the queue", () => {
    const window = { becameProspectAt: at("2025-01-01T00:00:00Z"), lastReviewedAt: null };
    expect(prospectNeedsReview("active", contacts, window)).toBe(false);
  });
});

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
    expect(isOverdue(input)).toBe(overdue);
    expect(daysOverdue(input)).toBe(days);
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
    const sorted = [...inputs].sort((a, b) => (daysOverdue(b) ?? 0) - (daysOverdue(a) ?? 0));
    expect(sorted.map((i) => i.lastInPersonAt?.toISOString().slice(0, 10))).toEqual(["2024-12-01", "2025-01-15", "2025-02-20"]);
  });
});

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
