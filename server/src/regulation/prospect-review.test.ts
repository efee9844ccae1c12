import { describe, expect, it } from "vitest";
import { inPersonContactsSince, needsReview, prospectNeedsReview, type TimedContact } from "./prospect-review.ts";

const at = (iso: string) => new Date(iso);

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
