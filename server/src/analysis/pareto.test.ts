import { describe, expect, it } from "vitest";
import { tierAnalysis } from "../regulation/tiers.ts";
import { paretoOf, percentileOf } from "./pareto.ts";

const T = { A: 1_000_000, B: 500_000 };
const spends = (fens: number[]) =>
  fens.map((spendFen, i) => ({ customerId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, name: "同名", spendFen }));

describe("Pareto buckets", () => {
  it("no customers: no buckets, no cut-offs", () => {
    const p = paretoOf(tierAnalysis([], T));
    expect(p.buckets).toEqual([]);
    expect(p.cutoffs.A).toMatchObject({ lastRank: 0, count: 0, lastSpendFen: null, percentile: null });
  });

  it("fewer than 100 customers: one bucket per customer, at its percentile", () => {
    const p = paretoOf(tierAnalysis(spends([100, 2_000_000, 600_000]), T));
    expect(p.buckets.map((b) => [b.percentile, b.fromRank, b.toRank, b.tiers])).toEqual([
      [34, 1, 1, ["A"]],
      [67, 2, 2, ["B"]],
      [100, 3, 3, ["C"]],
    ]);
    expect(p.cutoffs.A).toMatchObject({ lastRank: 1, count: 1, lastSpendFen: 2_000_000, percentile: 34 });
    expect(p.cutoffs.B).toMatchObject({ lastRank: 2, count: 1, lastSpendFen: 600_000, percentile: 67 });
  });

  it("a bucket straddling a cut-off lists both tiers; the cut-off is the exact rank", () => {
    // 250 customers: 2 or 3 a bucket; 8 A, 11 B
    const fens = [...Array(8).fill(1_000_000), ...Array(11).fill(500_000), ...Array(231).fill(499_999)];
    const p = paretoOf(tierAnalysis(spends(fens), T));
    expect(p.buckets).toHaveLength(100);
    expect(p.buckets.reduce((s, b) => s + b.count, 0)).toBe(250);
    expect(p.buckets.reduce((s, b) => s + b.spendFen, 0)).toBe(p.totalFen);
    expect(p.cutoffs.A.lastRank).toBe(8);
    expect(p.cutoffs.B.lastRank).toBe(19);
    const holdsA = p.buckets.find((b) => b.fromRank <= 8 && b.toRank >= 8)!;
    expect(holdsA.percentile).toBe(percentileOf(8, 250));
    expect(holdsA.tiers).toEqual(["A", "B"]);
    expect(p.buckets.at(-1)!.cumulativeShare).toBe(1);
  });

  it("percentileOf is the bucket that holds the rank", () => {
    for (const n of [1, 7, 99, 100, 101, 333, 29_982])
      for (const rank of [1, Math.ceil(n / 2), n]) {
        const p = percentileOf(rank, n);
        expect(Math.floor(((p - 1) * n) / 100)).toBeLessThan(rank);
        expect(Math.floor((p * n) / 100)).toBeGreaterThanOrEqual(rank);
      }
  });
});
