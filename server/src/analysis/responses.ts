import { z } from "zod";
import { type Answers, csvAnswer } from "../http/answers.ts";

/** With paging (limit, cursor, page, sort, dir, q or a filter): how many rows in all, and where this page is. */
const pageOfTable = z.object({
  total: z.number().int(),
  limit: z.number().int(),
  page: z.number().int().nullable(),
  pages: z.number().int(),
  nextCursor: z.string().nullable(),
});

/** What this area's routes answer, by path, method and status (the OpenAPI document's responses). */
export const tierAnalysis = z.object({
  month: z.string(),
  thresholds: z.object({ A: z.number(), B: z.number() }),
  total: z.number(),
  customers: z.array(
    z.object({
      customerId: z.string(),
      name: z.string(),
      spend: z.number(),
      share: z.number(),
      cumulativeShare: z.number(),
      tier: z.enum(["A", "B", "C"]),
      /** with paging: the row's 1-based place in the tier ranking */
      rank: z.number().int().optional(),
    }),
  ),
  totals: z.object({
    A: z.object({ count: z.number(), spend: z.number(), share: z.number() }),
    B: z.object({ count: z.number(), spend: z.number(), share: z.number() }),
    C: z.object({ count: z.number(), spend: z.number(), share: z.number() }),
  }),
  /** with paging: every customer of the analysis (the filters aside) */
  count: z.number().int().optional(),
  page: pageOfTable.optional(),
});

export const tierPareto = z.object({
  month: z.string(),
  thresholds: z.object({ A: z.number(), B: z.number() }),
  total: z.number(),
  customers: z.number(),
  totals: z.object({
    A: z.object({ count: z.number(), spend: z.number(), share: z.number() }),
    B: z.object({ count: z.number(), spend: z.number(), share: z.number() }),
    C: z.object({ count: z.number(), spend: z.number(), share: z.number() }),
  }),
  cutoffs: z.object({
    A: z.object({
      lastRank: z.number(),
      count: z.number(),
      threshold: z.number(),
      lastSpend: z.number().nullable(),
      cumulativeShare: z.number(),
      percentile: z.number().nullable(),
    }),
    B: z.object({
      lastRank: z.number(),
      count: z.number(),
      threshold: z.number(),
      lastSpend: z.number().nullable(),
      cumulativeShare: z.number(),
      percentile: z.number().nullable(),
    }),
  }),
  buckets: z.array(
    z.object({
      percentile: z.number(),
      fromRank: z.number(),
      toRank: z.number(),
      count: z.number(),
      spend: z.number(),
      share: z.number(),
      cumulativeShare: z.number(),
      tiers: z.array(z.enum(["A", "B", "C"])),
    }),
  ),
});

export const spendShare = z.object({
  month: z.string(),
  clubTotal: z.number(),
  customers: z.array(
    z.object({
      customerId: z.string(),
      name: z.string(),
      spend: z.number(),
      share: z.number(),
      expectedMonthlySpend: z.number().nullable(),
      belowExpected: z.boolean().nullable(),
      gap: z.number(),
      /** with paging: the row's 1-based place in the tier ranking */
      rank: z.number().int().optional(),
    }),
  ),
  belowExpected: z.number(),
  /** with paging: every group client of the analysis (the filters aside) */
  count: z.number().int().optional(),
  page: pageOfTable.optional(),
});

export const lineMix = z.object({
  month: z.string(),
  customerId: z.string().nullable(),
  total: z.number(),
  lines: z.array(z.object({ line: z.string(), spend: z.number(), share: z.number() })),
  unused: z.array(z.string()),
});

export const analysisAnswers = {
  "/analysis/tiers": { $get: { 200: tierAnalysis } },
  "/analysis/tiers/pareto": { $get: { 200: tierPareto } },
  "/analysis/tiers.csv": { $get: { 200: csvAnswer } },
  "/analysis/share": { $get: { 200: spendShare } },
  "/analysis/mix": { $get: { 200: lineMix } },
} satisfies Answers;
