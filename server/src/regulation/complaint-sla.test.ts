import { describe, expect, it } from "vitest";
import { COMPLAINT_SLA_MS, complaintClock, complaintDueAt } from "./complaint-sla.ts";

const at = (iso: string) => new Date(iso);

describe("complaint clock (48 h)", () => {
  it("is due 48 hours after it was opened, across a month's end", () => {
    expect(COMPLAINT_SLA_MS).toBe(172_800_000);
    expect(complaintDueAt(at("2025-03-31T09:00:00Z")).toISOString()).toBe("2025-04-02T09:00:00.000Z");
  });

  it.each([
    // openedAt, open, now, overdue, msLeft
    ["2025-03-01T00:00:00Z", true, "2025-03-02T00:00:00Z", false, 86_400_000],
    ["2025-03-01T00:00:00Z", true, "2025-03-03T00:00:00Z", false, 0],
    ["2025-03-01T00:00:00Z", true, "2025-03-03T00:00:00.001Z", true, -1],
    ["2025-03-01T00:00:00Z", false, "2025-03-09T00:00:00Z", false, null],
  ] as const)("opened %s (open %s), now %s → overdue %s, ms left %s", (opened, open, now, overdue, msLeft) => {
    const c = complaintClock(at(opened), open, at(now));
    expect(c.overdue).toBe(overdue);
    expect(c.msLeft).toBe(msLeft);
  });
});
