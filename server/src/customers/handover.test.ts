import { describe, expect, it } from "vitest";
import type { Tier } from "../regulation/tiers.ts";
import { spreadBook } from "./handover.ts";

const book = (tiers: (Tier | null)[]) =>
  tiers.map((tier, i) => ({ id: `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`, name: `c${String(i).padStart(3, "0")}`, tier }));

function shares(rows: ReturnType<typeof book>, got: Map<string, string>, receivers: string[]) {
  const out = new Map(receivers.map((r) => [r, { total: 0, A: 0, B: 0, C: 0, none: 0 }]));
  for (const r of rows) {
    const s = out.get(got.get(r.id)!)!;
    s.total++;
    s[r.tier ?? "none"]++;
  }
  return [...out.values()];
}
const spreadOf = (xs: number[]) => Math.max(...xs) - Math.min(...xs);

describe("spreadBook", () => {
  it("by count deals every customer once, round-robin in name order: shares differ by one at most", () => {
    const rows = book(Array.from({ length: 11 }, () => "C" as const));
    const got = spreadBook(rows, ["r1", "r2", "r3"], "count");
    expect(got.size).toBe(11);
    expect(shares(rows, got, ["r1", "r2", "r3"]).map((s) => s.total)).toEqual([4, 4, 3]);
    expect(got.get(rows[0]!.id)).toBe("r1");
    expect(got.get(rows[1]!.id)).toBe("r2");
  });

  it("by tier gives each receiver a fair share of every tier, and the totals stay within one", () => {
    const tiers: (Tier | null)[] = [..."AAAAABBBCCCCCCC"].map((x) => x as Tier);
    tiers.push(null, null);
    const rows = book(tiers).reverse(); // the input order does not matter
    const receivers = ["r1", "r2", "r3"];
    const s = shares(rows, spreadBook(rows, receivers, "tier"), receivers);
    for (const k of ["A", "B", "C", "none"] as const) expect(spreadOf(s.map((x) => x[k]))).toBeLessThanOrEqual(1);
    expect(spreadOf(s.map((x) => x.total))).toBeLessThanOrEqual(1);
    expect(s.reduce((n, x) => n + x.total, 0)).toBe(17);
    // by count alone, the five A customers could land unevenly; by tier they cannot
    expect(s.map((x) => x.A).sort()).toEqual([1, 2, 2]);
  });

  it("is deterministic: the same book and receivers give the same deal", () => {
    const rows = book(["A", "B", "C", "A", null, "B"]);
    expect([...spreadBook(rows, ["x", "y"], "tier")]).toEqual([...spreadBook([...rows].reverse(), ["x", "y"], "tier")]);
  });
});
