import { describe, expect, it } from "vitest";
import { type DiaryContact, diaryFigures } from "./diary.ts";

const SH = "Asia/Shanghai";
const at = (iso: string) => new Date(iso);
const contact = (
  customerId: string,
  channel: DiaryContact["channel"],
  target: DiaryContact["target"],
  iso: string,
  voided = false,
): DiaryContact => ({
  customerId,
  channel,
  target,
  occurredAt: at(iso),
  voided,
});

describe("diaryFigures", () => {
  const base = { day: "2025-03-31", tz: SH, contacts: [], revenue: [], newCardCustomers: [] };

  it("an empty day is all zeros", () => {
    expect(diaryFigures(base)).toEqual({
      customersContactedInPerson: 0,
      inPersonContacts: 0,
      calls: 0,
      letters: 0,
      demos: 0,
      newCardCustomers: 0,
      revenueCreditedFen: 0,
      prospectsWorkedOn: 0,
    });
  });

  it("derives every figure from the day's contacts and revenue", () => {
    const figures = diaryFigures({
      ...base,
      contacts: [
        contact("c1", "visit", "existing", "2025-03-31T09:00:00+08:00"),
        contact("c1", "demo", "existing", "2025-03-31T11:00:00+08:00"),
        contact("c2", "visit", "existing", "2025-03-31T14:00:00+08:00"),
        contact("p1", "visit", "prospect", "2025-03-31T15:00:00+08:00"),
        contact("p1", "phone", "prospect", "2025-03-31T16:00:00+08:00"),
        contact("p2", "letter", "prospect", "2025-03-31T17:00:00+08:00"),
        contact("c3", "phone", "existing", "2025-03-31T23:30:00+08:00"), // 23:30 is still this club day
        contact("c4", "visit", "existing", "2025-03-31T10:00:00+08:00", true), // voided
        contact("p3", "demo", "prospect", "2025-03-31T16:30:00Z"), // 00:30 on 1 April in Shanghai
        contact("c5", "visit", "existing", "2025-03-30T23:59:00+08:00"), // the day before
      ],
      revenue: [
        { amountFen: 500_000, occurredAt: at("2025-03-31T10:00:00+08:00") },
        { amountFen: 120_050, occurredAt: at("2025-03-31T20:00:00+08:00") },
        { amountFen: -20_050, occurredAt: at("2025-03-31T21:00:00+08:00") }, // a reversal
        { amountFen: 999_999, occurredAt: at("2025-04-01T00:00:00+08:00") },
      ],
      newCardCustomers: [
        { customerId: "p9", activatedAt: at("2025-03-31T10:00:00+08:00") },
        { customerId: "p8", activatedAt: at("2025-03-30T10:00:00+08:00") },
      ],
    });
    expect(figures).toEqual({
      customersContactedInPerson: 3, // c1, c2, p1
      inPersonContacts: 4,
      calls: 2,
      letters: 1,
      demos: 1,
      newCardCustomers: 1,
      revenueCreditedFen: 600_000,
      prospectsWorkedOn: 2, // p1, p2
    });
  });

  it("the club day follows the club's zone", () => {
    const contacts = [contact("c1", "visit", "existing", "2025-04-01T02:00:00Z")];
    expect(diaryFigures({ ...base, tz: "America/New_York", contacts }).inPersonContacts).toBe(1);
    expect(diaryFigures({ ...base, tz: SH, contacts }).inPersonContacts).toBe(0);
  });

  it("new card customers are counted once each, on the club day they turned active", () => {
    const newCardCustomers = [
      { customerId: "p1", activatedAt: at("2025-03-31T09:00:00+08:00") },
      { customerId: "p1", activatedAt: at("2025-03-31T15:00:00+08:00") },
      { customerId: "p2", activatedAt: at("2025-03-31T23:59:59+08:00") },
      { customerId: "p3", activatedAt: at("2025-04-01T00:00:00+08:00") },
    ];
    expect(diaryFigures({ ...base, newCardCustomers }).newCardCustomers).toBe(2);
  });
});
