import { describe, expect, it } from "vitest";
import type { Customer } from "../api.ts";
import { rankCustomers } from "./customers.ts";

function row(name: string, over: Partial<Customer> = {}): Customer {
  return {
    id: name,
    name,
    status: "active",
    tier: "C",
    lastInPersonAt: null,
    stale: false,
    overdue: false,
    nextVisitDue: null,
    daysOverdue: 0,
    ...over,
  } as Customer;
}

describe("contact now: the rows ranked by the server's figures", () => {
  it("overdue first, most days overdue (the row's daysOverdue) first; then never visited, longest since, stale, name", () => {
    const ranked = rankCustomers([
      row("recent", { lastInPersonAt: "2026-03-10T02:00:00.000Z", nextVisitDue: "2026-05-09" }),
      row("late2", { overdue: true, daysOverdue: 2, lastInPersonAt: "2026-01-01T02:00:00.000Z" }),
      row("never", { nextVisitDue: "2026-04-30" }),
      row("late9", { overdue: true, daysOverdue: 9, lastInPersonAt: "2026-02-01T02:00:00.000Z" }),
      row("stale", { stale: true, lastInPersonAt: "2026-03-10T02:00:00.000Z" }),
      row("dropped", { status: "dropped", overdue: true, daysOverdue: 40 }),
    ]);
    expect(ranked.map((r) => [r.c.name, r.bucket, r.late])).toEqual([
      ["late9", "overdue", 9],
      ["late2", "overdue", 2],
      ["never", "other", 0],
      ["stale", "stale", 0],
      ["recent", "recent", 0],
    ]);
  });

  it("counts no days of its own: a row's figures are used as they were read (a phone offline keeps them)", () => {
    // last seen a year ago, yet the server said 3 days overdue when the row was read
    const [r] = rankCustomers([row("cached", { overdue: true, daysOverdue: 3, lastInPersonAt: "2025-03-01T02:00:00.000Z" })]);
    expect(r).toMatchObject({ bucket: "overdue", late: 3 });
    // and a row the server did not call overdue is not, however long ago the last visit
    const [n] = rankCustomers([row("fine", { lastInPersonAt: "2024-01-01T02:00:00.000Z", nextVisitDue: "2024-03-01" })]);
    expect(n).toMatchObject({ bucket: "recent", late: 0 });
  });

  it("a row from before the figures came (no daysOverdue) ranks as 0 days", () => {
    const old = row("old", { overdue: true }) as Partial<Customer>;
    delete old.daysOverdue;
    expect(rankCustomers([old as Customer])[0]).toMatchObject({ bucket: "overdue", late: 0 });
  });
});
