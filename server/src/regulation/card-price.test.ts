import { describe, expect, it } from "vitest";
import { needsPriceApproval, salePriceFen } from "./card-price.ts";

describe("card list price", () => {
  it("a sale without a price is at the list price", () => {
    expect(salePriceFen(undefined, 880_000)).toBe(880_000);
    expect(salePriceFen(0, 880_000)).toBe(0);
    expect(salePriceFen(700_000, 880_000)).toBe(700_000);
  });

  it.each([
    [880_000, 880_000, false],
    [879_999, 880_000, true],
    [880_001, 880_000, true],
    [0, 880_000, true],
  ])("%i fen at a list price of %i → approval needed %s", (price, list, needed) => {
    expect(needsPriceApproval(price, list)).toBe(needed);
  });
});
