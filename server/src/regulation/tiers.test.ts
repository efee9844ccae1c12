import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { businessMix, type CustomerSpend, customerTier, DEFAULT_TIER_THRESHOLDS, shareAnalysis, tierAnalysis, tierFor } from "./tiers.ts";

const yuan = (y: number) => Math.round(y * 100);

describe("tierFor", () => {
  it.each([
    [10_000, "A"],
    [25_000, "A"],
    [9_999.99, "B"],
    [7_000, "B"],
    [5_000, "B"],
    [4_999.99, "C"],
    [0, "C"],
    [-50, "C"],
  ] as const)("%d yuan → %s with the default thresholds", (spend, tier) => {
    expect(tierFor(yuan(spend), DEFAULT_TIER_THRESHOLDS)).toBe(tier);
  });

  it.each([
    [20_000, "A"],
    [19_999.99, "B"],
    [8_000, "B"],
    [7_999.99, "C"],
  ] as const)("%d yuan → %s with A 20,000 and B 8,000", (spend, tier) => {
    expect(tierFor(yuan(spend), { A: yuan(20_000), B: yuan(8_000) })).toBe(tier);
  });
});

describe("tierAnalysis", () => {
  const thresholds = DEFAULT_TIER_THRESHOLDS;

  it("ranks by spend, shares, accumulates and totals per tier", () => {
    const result = tierAnalysis(
      [
        { customerId: "c3", name: "Gamma", spendFen: yuan(5_000) },
        { customerId: "c1", name: "Alpha", spendFen: yuan(12_000) },
        { customerId: "c2", name: "Beta", spendFen: yuan(3_000) },
      ],
      thresholds,
    );
    expect(result.totalFen).toBe(yuan(20_000));
    expect(result.customers.map((c) => [c.customerId, c.tier, c.share, c.cumulativeShare])).toEqual([
      ["c1", "A", 0.6, 0.6],
      ["c3", "B", 0.25, 0.85],
      ["c2", "C", 0.15, 1],
    ]);
    expect(result.totals).toEqual({
      A: { count: 1, spendFen: yuan(12_000), share: 0.6 },
      B: { count: 1, spendFen: yuan(5_000), share: 0.25 },
      C: { count: 1, spendFen: yuan(3_000), share: 0.15 },
    });
  });

  it("breaks ties by name, then id", () => {
    const result = tierAnalysis(
      [
        { customerId: "z", name: "Same", spendFen: 100 },
        { customerId: "b", name: "Beta", spendFen: 100 },
        { customerId: "a", name: "Same", spendFen: 100 },
      ],
      thresholds,
    );
    expect(result.customers.map((c) => c.customerId)).toEqual(["b", "a", "z"]);
  });

  it("a zero total gives zero shares", () => {
    const result = tierAnalysis(
      [
        { customerId: "a", name: "A", spendFen: 0 },
        { customerId: "b", name: "B", spendFen: 0 },
      ],
      thresholds,
    );
    expect(result.customers.every((c) => c.share === 0 && c.cumulativeShare === 0 && c.tier === "C")).toBe(true);
    expect(result.totals.C).toEqual({ count: 2, spendFen: 0, share: 0 });
  });

  it("an empty month is empty", () => {
    const result = tierAnalysis([], thresholds);
    expect(result.customers).toEqual([]);
    expect(result.totals.A).toEqual({ count: 0, spendFen: 0, share: 0 });
  });

  it("a negative net month counts as zero", () => {
    const result = tierAnalysis(
      [
        { customerId: "a", name: "A", spendFen: -500 },
        { customerId: "b", name: "B", spendFen: 1_000 },
      ],
      thresholds,
    );
    expect(result.customers.map((c) => [c.customerId, c.spendFen, c.share])).toEqual([
      ["b", 1_000, 1],
      ["a", 0, 0],
    ]);
  });

  it("shares add up to 1 and the last cumulative share is exactly 1", () => {
    const spend = fc.record({
      customerId: fc.uuid(),
      name: fc.string({ maxLength: 8 }),
      spendFen: fc.integer({ min: 0, max: 100_000_000_000 }),
    });
    fc.assert(
      fc.property(fc.array(spend, { minLength: 1, maxLength: 200 }), (spends: CustomerSpend[]) => {
        const { customers, totals, totalFen } = tierAnalysis(spends, thresholds);
        if (totalFen === 0) return;
        const sum = customers.reduce((s, c) => s + c.share, 0);
        expect(Math.abs(sum - 1)).toBeLessThan(1e-9);
        expect(customers.at(-1)?.cumulativeShare).toBe(1);
        expect(Math.abs(totals.A.share + totals.B.share + totals.C.share - 1)).toBeLessThan(1e-9);
        expect(totals.A.count + totals.B.count + totals.C.count).toBe(spends.length);
        for (let i = 1; i < customers.length; i++) {
          expect(customers[i]!.spendFen).toBeLessThanOrEqual(customers[i - 1]!.spendFen);
          expect(customers[i]!.cumulativeShare).toBeGreaterThanOrEqual(customers[i - 1]!.cumulativeShare);
        }
      }),
    );
  });
});

describe("shareAnalysis", () => {
  it("shares of the club total and flags those below expectation", () => {
    const rows = shareAnalysis(
      [
        { customerId: "g1", name: "Group 1", spendFen: 3_000, expectedMonthlyFen: 5_000 },
        { customerId: "g2", name: "Group 2", spendFen: 6_000, expectedMonthlyFen: 5_000 },
        { customerId: "g3", name: "Group 3", spendFen: 1_000, expectedMonthlyFen: null },
        { customerId: "g4", name: "Group 4", spendFen: 5_000, expectedMonthlyFen: 5_000 },
      ],
      20_000,
    );
    expect(rows.map((r) => [r.customerId, r.share, r.belowExpected, r.gapFen])).toEqual([
      ["g2", 0.3, false, 0],
      ["g4", 0.25, false, 0],
      ["g1", 0.15, true, 2_000],
      ["g3", 0.05, null, 0],
    ]);
  });

  it("a zero club total gives zero shares", () => {
    const [row] = shareAnalysis([{ customerId: "g", name: "G", spendFen: 0, expectedMonthlyFen: 100 }], 0);
    expect(row).toMatchObject({ share: 0, belowExpected: true, gapFen: 100 });
  });
});

describe("businessMix", () => {
  const club = ["membership", "catering", "spa", "rooms", "golf", "fitness"];

  it("spend and shares per line, and the lines not used yet", () => {
    const mix = businessMix(
      [
        { line: "catering", spendFen: 3_000 },
        { line: "membership", spendFen: 6_000 },
        { line: "catering", spendFen: 1_000 },
        { line: "spa", spendFen: 1_000 },
        { line: "golf", spendFen: 500 },
        { line: "golf", spendFen: -500 }, // reversed in full
      ],
      club,
    );
    expect(mix.totalFen).toBe(11_000);
    expect(mix.lines.slice(0, 3)).toEqual([
      { line: "membership", spendFen: 6_000, share: 6_000 / 11_000 },
      { line: "catering", spendFen: 4_000, share: 4_000 / 11_000 },
      { line: "spa", spendFen: 1_000, share: 1_000 / 11_000 },
    ]);
    expect(mix.lines.map((l) => l.line)).toEqual(["membership", "catering", "spa", "rooms", "golf", "fitness"]);
    expect(mix.unused).toEqual(["rooms", "golf", "fitness"]);
  });

  it("keeps a line the club no longer lists when it has spend", () => {
    const mix = businessMix([{ line: "yacht", spendFen: 100 }], ["spa"]);
    expect(mix.lines).toEqual([
      { line: "yacht", spendFen: 100, share: 1 },
      { line: "spa", spendFen: 0, share: 0 },
    ]);
    expect(mix.unused).toEqual(["spa"]);
  });

  it("no spend: every line unused, shares 0", () => {
    const mix = businessMix([], club);
    expect(mix.unused).toEqual(club);
    expect(mix.lines.every((l) => l.share === 0)).toBe(true);
  });
});

describe("customerTier", () => {
  it.each([
    ["active", 1_000_000, "A"],
    ["churned", 499_999, "C"],
    ["prospect", 1_000_000, null],
    ["dropped", 1_000_000, null],
  ] as const)("%s with %i fen → %s", (status, fen, tier) => {
    expect(customerTier(status, fen, DEFAULT_TIER_THRESHOLDS)).toBe(tier);
  });
});

describe("businessMix: ties on spend", () => {
  it.each([
    ["club lines in the club's order, not the alphabet's", [], ["golf", "spa", "catering"], ["golf", "spa", "catering"]],
    [
      "equal spend: the club's order",
      [
        { line: "catering", spendFen: 100 },
        { line: "spa", spendFen: 100 },
      ],
      ["golf", "spa", "catering"],
      ["spa", "catering", "golf"],
    ],
    [
      "equal spend: a club line before a line the club no longer lists",
      [
        { line: "yacht", spendFen: 100 },
        { line: "spa", spendFen: 100 },
      ],
      ["golf", "spa"],
      ["spa", "yacht", "golf"],
    ],
    [
      "equal spend among lines the club no longer lists: by name",
      [
        { line: "zither", spendFen: 100 },
        { line: "archery", spendFen: 100 },
        { line: "golf", spendFen: 50 },
      ],
      ["golf"],
      ["archery", "zither", "golf"],
    ],
    [
      "a line the club no longer lists, reversed to nothing, is not shown",
      [
        { line: "yacht", spendFen: 100 },
        { line: "yacht", spendFen: -100 },
        { line: "kayak", spendFen: -50 },
      ],
      ["spa"],
      ["spa"],
    ],
  ] as const)("%s", (_, spends, clubLines, expected) => {
    expect(businessMix([...spends], [...clubLines]).lines.map((l) => l.line)).toEqual(expected);
  });
});

describe("shareAnalysis: the gap to the expectation", () => {
  it.each([
    [3_000, 5_000, true, 2_000],
    [4_999, 5_000, true, 1],
    [5_000, 5_000, false, 0],
    [6_000, 5_000, false, 0],
    [-1_000, 5_000, true, 6_000],
    [3_000, null, null, 0],
    [-1_000, null, null, 0],
  ] as const)("spend %i against %s → below %s, gap %i", (spendFen, expectedMonthlyFen, belowExpected, gapFen) => {
    const [row] = shareAnalysis([{ customerId: "g", name: "G", spendFen, expectedMonthlyFen }], 10_000);
    expect(row).toMatchObject({ belowExpected, gapFen, expectedMonthlyFen });
  });
});

describe("tierAnalysis: ties in any input order", () => {
  it("equal spend goes by name, then by id, whatever order the customers came in", () => {
    const spends = [
      { customerId: "c2", name: "Beta", spendFen: 100 },
      { customerId: "c9", name: "Alpha", spendFen: 100 },
      { customerId: "c1", name: "Alpha", spendFen: 100 },
      { customerId: "c0", name: "Zeta", spendFen: 200 },
    ];
    for (const input of [spends, spends.toReversed()]) {
      expect(tierAnalysis(input, DEFAULT_TIER_THRESHOLDS).customers.map((c) => c.customerId)).toEqual(["c0", "c1", "c9", "c2"]);
      expect(
        shareAnalysis(
          input.map((c) => ({ ...c, expectedMonthlyFen: null })),
          500,
        ).map((c) => c.customerId),
      ).toEqual(["c0", "c1", "c9", "c2"]);
    }
  });
});
