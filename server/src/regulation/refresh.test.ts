import { describe, expect, it } from "vitest";
import { isStale, type OwnedRefreshSubject, type RefreshSubject, refreshProgress } from "./refresh.ts";

const SH = "Asia/Shanghai";
const at = (iso: string) => new Date(iso);
const OLD = "2024-06-01T00:00:00+08:00";

describe("isStale", () => {
  it.each([
    // status, createdAt, lastRefreshedAt, quarter, stale
    ["active", OLD, null, "2025-Q2", true],
    ["active", OLD, "2025-04-01T00:00:00+08:00", "2025-Q2", false], // the quarter's first instant
    ["active", OLD, "2025-03-31T23:59:59+08:00", "2025-Q2", true], // the last instant of Q1
    ["active", OLD, "2025-03-31T16:30:00Z", "2025-Q2", false], // 00:30 on 1 April in Shanghai
    ["prospect", OLD, "2025-06-30T23:59:00+08:00", "2025-Q2", false],
    ["prospect", OLD, "2025-06-30T16:00:00Z", "2025-Q2", true], // midnight of 1 July is Q3
    ["active", OLD, "2025-02-10T00:00:00+08:00", "2025-Q1", false],
    ["active", OLD, "2024-12-31T23:00:00+08:00", "2025-Q1", true],
    // created during the quarter counts as refreshed
    ["active", "2025-05-20T00:00:00+08:00", null, "2025-Q2", false],
    ["prospect", "2025-04-01T00:00:00+08:00", null, "2025-Q2", false],
    // created in the last instant of the previous quarter needs a refresh
    ["prospect", "2025-03-31T23:59:00+08:00", null, "2025-Q2", true],
    // churned and dropped customers are never stale
    ["churned", OLD, null, "2025-Q2", false],
    ["dropped", OLD, null, "2025-Q2", false],
    // a customer created after the quarter did not exist then
    ["active", "2025-07-01T00:00:00+08:00", null, "2025-Q2", false], // the next quarter's first instant
    ["active", "2025-08-01T00:00:00+08:00", null, "2025-Q2", false],
  ] as const)("%s created %s refreshed %s in %s → stale %s", (status, created, refreshed, quarter, stale) => {
    const customer: RefreshSubject = { status, createdAt: at(created), lastRefreshedAt: refreshed ? at(refreshed) : null };
    expect(isStale(customer, quarter, SH)).toBe(stale);
  });

  it("uses the club's zone for the quarter", () => {
    const customer: RefreshSubject = { status: "active", createdAt: at(OLD), lastRefreshedAt: at("2025-04-01T02:00:00Z") };
    // 10:00 on 1 April in Shanghai, 22:00 on 31 March in New York
    expect(isStale(customer, "2025-Q2", SH)).toBe(false);
    expect(isStale(customer, "2025-Q2", "America/New_York")).toBe(true);
    expect(isStale(customer, "2025-Q1", "America/New_York")).toBe(false);
  });
});

describe("refreshProgress", () => {
  const c = (ownerId: string, status: OwnedRefreshSubject["status"], created: string, refreshed: string | null): OwnedRefreshSubject => ({
    ownerId,
    status,
    createdAt: at(created),
    lastRefreshedAt: refreshed ? at(refreshed) : null,
  });

  it("counts each rep's customers in scope", () => {
    const progress = refreshProgress(
      [
        c("r2", "active", OLD, "2025-05-01T00:00:00+08:00"),
        c("r1", "active", OLD, null),
        c("r1", "prospect", OLD, "2025-04-15T00:00:00+08:00"),
        c("r1", "prospect", "2025-06-01T00:00:00+08:00", null),
        c("r1", "churned", OLD, null),
        c("r2", "active", OLD, "2025-03-01T00:00:00+08:00"),
        c("r3", "dropped", OLD, null),
      ],
      "2025-Q2",
      SH,
    );
    expect(progress).toEqual([
      { repId: "r1", total: 3, refreshed: 2, stale: 1 },
      { repId: "r2", total: 2, refreshed: 1, stale: 1 },
    ]);
  });

  it("nothing to refresh, no rows", () => {
    expect(refreshProgress([], "2025-Q2", SH)).toEqual([]);
  });
});

describe("refreshProgress: scope and order", () => {
  const c = (ownerId: string, created: string): OwnedRefreshSubject => ({
    ownerId,
    status: "active",
    createdAt: at(created),
    lastRefreshedAt: null,
  });

  it("reps by id whatever order their customers came in; one created at the quarter's end is out", () => {
    const customers = [
      c("r3", OLD),
      c("r10", OLD),
      c("r1", OLD),
      c("r2", "2025-07-01T00:00:00+08:00"),
      c("r2", "2025-06-30T23:59:59+08:00"),
    ];
    for (const input of [customers, customers.toReversed()]) {
      expect(refreshProgress(input, "2025-Q2", SH)).toEqual([
        { repId: "r1", total: 1, refreshed: 0, stale: 1 },
        { repId: "r10", total: 1, refreshed: 0, stale: 1 },
        { repId: "r2", total: 1, refreshed: 1, stale: 0 },
        { repId: "r3", total: 1, refreshed: 0, stale: 1 },
      ]);
    }
  });
});
