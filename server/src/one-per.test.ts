import { describe, expect, it } from "vitest";
import { onePer } from "./one-per.ts";

describe("onePer", () => {
  it("makes the value once per owner, on first use, and a separate one for each owner", () => {
    const made: object[] = [];
    const of = onePer((owner: { name: string }) => {
      made.push(owner);
      return { for: owner.name };
    });
    const a = { name: "a" };
    const b = { name: "b" };
    expect(made).toEqual([]);
    const first = of(a);
    expect(of(a)).toBe(first);
    expect(of(b)).toEqual({ for: "b" });
    expect(of(b)).not.toBe(first);
    expect(made).toEqual([a, b]);
  });
});
