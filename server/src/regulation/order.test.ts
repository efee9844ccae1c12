import { describe, expect, it } from "vitest";
import { compareText } from "./order.ts";

describe("compareText: code-unit order, in both argument orders", () => {
  it.each([
    ["2025-01", "2025-02"],
    ["2024-12", "2025-01"],
    ["2025-W09", "2025-W10"],
    ["a", "b"],
    ["a", "ab"],
    ["B", "a"], // upper case before lower case, whatever the locale says
    ["Z", "a"],
    ["", "a"],
  ])("%s < %s", (lo, hi) => {
    expect(compareText(lo, hi)).toBe(-1);
    expect(compareText(hi, lo)).toBe(1);
  });

  it.each(["", "a", "2025-03"])("%s equals itself", (s) => {
    expect(compareText(s, s)).toBe(0);
  });
});
