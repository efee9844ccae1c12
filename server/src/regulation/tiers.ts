import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { CustomerStatus } from "./contacts.ts";
import { compareText } from "./order.ts";

/**
 * Tiers and customer analysis (docs/regulation.md, 第五条 三.3). Pure: the service sums the
 * ledger per customer and month, these rules rank and share it. Money is fen.
 */

export type Tier = "A" | "B" | "C";
export const TIERS: readonly Tier[] = ["A", "B", "C"];

/** Lower bounds in fen: A from `A`, B from `B`, C below `B`. */
export interface TierThresholds {
  A: number;
  B: number;
}

// 第五条 三.3③ gives A 1万以上, B 0.7万, C 0.5万以下; B starts at 5,000 so no spend falls between tiers (docs/regulation.md).
export const DEFAULT_TIER_THRESHOLDS: TierThresholds = { A: 1_000_000, B: 500_000 };

export function tierFor(spendFen: number, thresholds: TierThresholds): Tier {
  if (spendFen >= thresholds.A) return "A";
  if (spendFen >= thresholds.B) return "B";
  return "C";
}

/** Only active and churned customers have a tier; a prospect (or a dropped one) has none. */
export const TIERED_STATUSES: readonly CustomerStatus[] = ["active", "churned"];

/** A customer's tier for a month's spend: null for a status without one. */
export function customerTier(status: CustomerStatus, spendFen: number, thresholds: TierThresholds): Tier | null {
  return TIERED_STATUSES.includes(status) ? tierFor(spendFen, thresholds) : null;
}

/** `customerTier` in SQL, over the customer's `status` and a bigint expression of the month's spend in fen. */
export function customerTierSql(status: SQLWrapper, spendFen: SQLWrapper, thresholds: TierThresholds): SQL<Tier | null> {
  const tiered = sql.join(
    TIERED_STATUSES.map((s) => sql`${s}`),
    sql`, `,
  );
  return sql<Tier | null>`(case when ${status} in (${tiered}) then ${tierSql(spendFen, thresholds)} end)`;
}

/** `tierFor` in SQL: `spendFen` is a bigint expression of the month's spend in fen. */
export function tierSql(spendFen: SQLWrapper, thresholds: TierThresholds): SQL<Tier> {
  return sql<Tier>`(case when ${spendFen} >= ${thresholds.A}::bigint then 'A' when ${spendFen} >= ${thresholds.B}::bigint then 'B' else 'C' end)`;
}

function shareOf(partFen: number, totalFen: number): number {
  return totalFen > 0 ? partFen / totalFen : 0;
}

// A month's net spend dips below zero only when a reversal lands in a later month
// than its original; ranking and shares count it as 0 so every share stays in 0–1.
function floorAtZero(fen: number): number {
  return Math.max(0, fen);
}

function bySpendThenName<T extends { spendFen: number; name: string; customerId: string }>(a: T, b: T): number {
  return b.spendFen - a.spendFen || compareText(a.name, b.name) || compareText(a.customerId, b.customerId);
}

// ── ABC / Pareto analysis ────────────────────────────────────────────────────

export interface CustomerSpend {
  customerId: string;
  name: string;
  spendFen: number;
}

export interface TierRow extends CustomerSpend {
  /** spend ÷ club total, 0–1 */
  share: number;
  /** running share down the ranking; the last row is exactly 1 when the total is above 0 */
  cumulativeShare: number;
  tier: Tier;
}

export interface TierTotal {
  count: number;
  spendFen: number;
  share: number;
}

export interface TierAnalysis {
  totalFen: number;
  customers: TierRow[];
  totals: Record<Tier, TierTotal>;
}

/** 第五条 三.3③: rank customers by monthly spend, accumulate, and tier each one. */
export function tierAnalysis(spends: readonly CustomerSpend[], thresholds: TierThresholds): TierAnalysis {
  // One row object per customer, made in its final shape and filled in after the sort:
  // a big club ranks tens of thousands of customers, and every extra layer of objects
  // is garbage to collect before the answer goes out.
  // Stryker disable next-line ArrayDeclaration: equivalent, `new Array()` grows to the same array (the length only saves re-allocations)
  const customers: TierRow[] = new Array(spends.length);
  let totalFen = 0;
  for (let i = 0; i < spends.length; i++) {
    const c = spends[i]!;
    const spendFen = floorAtZero(c.spendFen);
    totalFen += spendFen;
    // Stryker disable next-line StringLiteral: equivalent, every row's tier is set below once the ranking is known
    customers[i] = { customerId: c.customerId, name: c.name, spendFen, share: 0, cumulativeShare: 0, tier: "C" };
  }
  customers.sort(bySpendThenName);
  const totals: Record<Tier, TierTotal> = {
    A: { count: 0, spendFen: 0, share: 0 },
    B: { count: 0, spendFen: 0, share: 0 },
    C: { count: 0, spendFen: 0, share: 0 },
  };
  let runningFen = 0;
  for (const c of customers) {
    runningFen += c.spendFen;
    const tier = tierFor(c.spendFen, thresholds);
    totals[tier].count += 1;
    totals[tier].spendFen += c.spendFen;
    c.share = shareOf(c.spendFen, totalFen);
    // cumulative share from the integer running sum, so the last row is exactly 1
    c.cumulativeShare = shareOf(runningFen, totalFen);
    c.tier = tier;
  }
  for (const t of TIERS) totals[t].share = shareOf(totals[t].spendFen, totalFen);
  return { totalFen, customers, totals };
}

// ── share analysis vs expected spend ─────────────────────────────────────────

export interface ExpectedSpend extends CustomerSpend {
  /** the club's expected monthly spend for this customer, or null when none is set */
  expectedMonthlyFen: number | null;
}

export interface ShareRow extends CustomerSpend {
  share: number;
  expectedMonthlyFen: number | null;
  /** true when spend is under the expectation; null without an expectation */
  belowExpected: boolean | null;
  /** expected − spend when below, else 0 */
  gapFen: number;
}

/**
 * 第五条 三.3①: each group client's share of the club total and whether it reaches
 * the expected level. `clubTotalFen` is the whole club's spend (individuals too).
 */
export function shareAnalysis(customers: readonly ExpectedSpend[], clubTotalFen: number): ShareRow[] {
  const total = floorAtZero(clubTotalFen);
  return [...customers].sort(bySpendThenName).map((c) => {
    const expected = c.expectedMonthlyFen;
    const below = expected === null ? null : c.spendFen < expected;
    return {
      customerId: c.customerId,
      name: c.name,
      spendFen: c.spendFen,
      share: Math.min(1, shareOf(floorAtZero(c.spendFen), total)),
      expectedMonthlyFen: expected,
      belowExpected: below,
      gapFen: expected === null ? 0 : Math.max(0, expected - c.spendFen),
    };
  });
}

// ── business mix ─────────────────────────────────────────────────────────────

/** A new club's business lines (settings). */
export const DEFAULT_BUSINESS_LINES: readonly string[] = ["membership", "catering", "spa", "rooms", "golf", "fitness"];

export interface LineSpend {
  line: string;
  spendFen: number;
}

export interface BusinessMix {
  totalFen: number;
  /** every club line plus any other line with spend, by spend (desc) then the club's order */
  lines: (LineSpend & { share: number })[];
  /** club lines without spend: what the customer does not use yet */
  unused: string[];
}

/** 第五条 三.3②: spend per business line with shares, and the lines not used yet. */
export function businessMix(spends: readonly LineSpend[], clubLines: readonly string[]): BusinessMix {
  const byLine = new Map<string, number>(clubLines.map((l) => [l, 0]));
  for (const s of spends) byLine.set(s.line, (byLine.get(s.line) ?? 0) + s.spendFen);
  const order = (line: string) => {
    const i = clubLines.indexOf(line);
    return i === -1 ? clubLines.length : i;
  };
  const rows = [...byLine].map(([line, fen]) => ({ line, spendFen: floorAtZero(fen) }));
  const totalFen = rows.reduce((sum, r) => sum + r.spendFen, 0);
  const lines = rows
    .filter((r) => r.spendFen > 0 || clubLines.includes(r.line))
    .sort((a, b) => b.spendFen - a.spendFen || order(a.line) - order(b.line) || compareText(a.line, b.line))
    .map((r) => ({ ...r, share: shareOf(r.spendFen, totalFen) }));
  const unused = clubLines.filter((l) => (byLine.get(l) ?? 0) <= 0);
  return { totalFen, lines, unused };
}
