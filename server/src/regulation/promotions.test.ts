import { describe, expect, it } from "vitest";
import { askRefusal, MAX_PROMOTION_DAYS, promotionRefusal, promotionUsable } from "./promotions.ts";

const SH = "Asia/Shanghai";
const at = (iso: string) => new Date(iso);
const approved = {
  repId: "rep-a",
  status: "approved" as const,
  startsAt: at("2025-05-03T09:00:00+08:00"),
  endsAt: at("2025-05-03T18:00:00+08:00"),
};

describe("promotionRefusal", () => {
  it("an approved promotion is usable by its rep inside its window, both ends included", () => {
    expect(promotionUsable(approved, "rep-a", at("2025-05-03T09:00:00+08:00"))).toBe(true);
    expect(promotionUsable(approved, "rep-a", at("2025-05-03T12:30:00+08:00"))).toBe(true);
    expect(promotionUsable(approved, "rep-a", at("2025-05-03T18:00:00+08:00"))).toBe(true);
  });

  it("before it starts or after it ends it is outside its window", () => {
    expect(promotionRefusal(approved, "rep-a", at("2025-05-03T08:59:59+08:00"))).toBe("promotion_outside_window");
    expect(promotionRefusal(approved, "rep-a", at("2025-05-03T18:00:01+08:00"))).toBe("promotion_outside_window");
  });

  it.each(["requested", "refused", "cancelled"] as const)("a %s promotion is not usable", (status) => {
    expect(promotionRefusal({ ...approved, status }, "rep-a", at("2025-05-03T12:00:00+08:00"))).toBe("promotion_not_approved");
  });

  it("another rep cannot name it", () => {
    expect(promotionRefusal(approved, "rep-b", at("2025-05-03T12:00:00+08:00"))).toBe("promotion_not_own");
    expect(promotionUsable(approved, "rep-b", at("2025-05-03T12:00:00+08:00"))).toBe(false);
    expect(promotionUsable({ ...approved, status: "requested" }, "rep-a", at("2025-05-03T12:00:00+08:00"))).toBe(false);
    expect(promotionUsable(approved, "rep-a", at("2025-05-03T18:00:01+08:00"))).toBe(false);
  });
});

describe("askRefusal", () => {
  const now = at("2025-05-03T20:00:00+08:00");
  it("today (club day) or later, ending after it starts", () => {
    expect(askRefusal(at("2025-05-03T09:00:00+08:00"), at("2025-05-03T21:00:00+08:00"), now, SH)).toBeNull();
    expect(askRefusal(at("2025-05-10T09:00:00+08:00"), at("2025-05-10T18:00:00+08:00"), now, SH)).toBeNull();
  });
  it("yesterday in club time is in the past, though today in UTC", () => {
    // 2025-05-02 23:30 Shanghai is 15:30 UTC on the 2nd; now is the 3rd in Shanghai
    expect(askRefusal(at("2025-05-02T23:30:00+08:00"), at("2025-05-03T21:00:00+08:00"), now, SH)).toEqual({
      field: "startsAt",
      code: "in_past",
    });
  });
  it("ends after it starts, and lasts at most the longest window", () => {
    expect(askRefusal(at("2025-05-04T09:00:00+08:00"), at("2025-05-04T09:00:00+08:00"), now, SH)).toEqual({
      field: "endsAt",
      code: "before_from",
    });
    const start = at("2025-05-04T09:00:00+08:00");
    const longest = new Date(start.getTime() + MAX_PROMOTION_DAYS * 86_400_000);
    expect(askRefusal(start, longest, now, SH)).toBeNull();
    expect(askRefusal(start, new Date(longest.getTime() + 1000), now, SH)).toEqual({ field: "endsAt", code: "period_too_long" });
  });
});
