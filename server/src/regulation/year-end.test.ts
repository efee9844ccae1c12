import { describe, expect, it } from "vitest";
import { yearEnd } from "./year-end.ts";

describe("year end", () => {
  it.each([
    [799_999, [500_000, 500_000], true],
    [800_000, [500_000, 500_000], false],
    [0, [], false], // no target, nothing to forfeit
    [1_200_000, [1_000_000], false],
  ])("achieved %i of %o → forfeits %s", (achieved, targets, forfeits) => {
    expect(yearEnd(achieved, targets).forfeitsReservedBonus).toBe(forfeits);
  });
});
