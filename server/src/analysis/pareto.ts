import { TIERS, type Tier, type TierAnalysis } from "../regulation/tiers.ts";

/**
 * The Pareto curve of a month at any size: customers in tier-rank order (regulation/tiers.ts
 * ranks them — spend, then name, then id — and this module never re-ranks) cut into
 * percentile buckets of 1% of the customers each, and the exact ranks where the tier
 * changes. A chart of 100 bars draws 30,000 customers faithfully; the cut-offs are exact
 * ranks, not bucket edges.
 */
export interface ParetoBucket {
  /** 1–100: the bucket holds the customers ranked in the top `percentile`% but not the top `percentile − 1`% */
  percentile: number;
  /** 1-based ranks, inclusive */
  fromRank: number;
  toRank: number;
  count: number;
  spendFen: number;
  /** the bucket's spend ÷ club total */
  share: number;
  /** spend of ranks 1…toRank ÷ club total (exactly 1 for the last bucket when the total is above 0) */
  cumulativeShare: number;
  /** the tiers of the customers in the bucket, A before B before C */
  tiers: Tier[];
}

export interface TierCutoff {
  tier: "A" | "B";
  /** rank of the last customer of this tier or above (0 when there is none) */
  lastRank: number;
  /** customers in this tier */
  count: number;
  /** spend of the customer at `lastRank` (null when there is none) */
  lastSpendFen: number | null;
  /** cumulative share at `lastRank` */
  cumulativeShare: number;
  /** the percentile bucket holding `lastRank` (null when there is none) */
  percentile: number | null;
}

export interface Pareto {
  customers: number;
  totalFen: number;
  buckets: ParetoBucket[];
  cutoffs: { A: TierCutoff; B: TierCutoff };
}

/** The 1-based percentile (1–100) of the bucket that holds `rank` among `n` customers. */
export function percentileOf(rank: number, n: number): number {
  // bucket p holds ranks floor((p−1)·n/100)+1 … floor(p·n/100): the smallest p with floor(p·n/100) ≥ rank
  return Math.ceil((rank * 100) / n);
}

export function paretoOf(a: TierAnalysis): Pareto {
  const rows = a.customers;
  const n = rows.length;
  const buckets: ParetoBucket[] = [];
  let running = 0;
  for (let p = 1; p <= 100 && n > 0; p++) {
    const from = Math.floor(((p - 1) * n) / 100); // 0-based, inclusive
    const to = Math.floor((p * n) / 100); // 0-based, exclusive
    if (to <= from) continue; // fewer than 100 customers: some percentiles hold nobody
    let spend = 0;
    const tiers = new Set<Tier>();
    for (let i = from; i < to; i++) {
      const r = rows[i]!;
      spend += r.spendFen;
      tiers.add(r.tier);
    }
    running += spend;
    buckets.push({
      percentile: p,
      fromRank: from + 1,
      toRank: to,
      count: to - from,
      spendFen: spend,
      share: a.totalFen > 0 ? spend / a.totalFen : 0,
      cumulativeShare: a.totalFen > 0 ? running / a.totalFen : 0,
      tiers: TIERS.filter((t) => tiers.has(t)),
    });
  }
  // The cut-offs are read where the rule's tier actually changes down the ranking, not
  // recomputed from the thresholds here: one rule (regulation/tiers.ts), one answer.
  const cutoff = (tier: "A" | "B"): TierCutoff => {
    const above = tier === "A" ? ["A"] : ["A", "B"];
    let last = 0;
    while (last < n && above.includes(rows[last]!.tier)) last++;
    const row = last > 0 ? rows[last - 1]! : null;
    return {
      tier,
      lastRank: last,
      count: a.totals[tier].count,
      lastSpendFen: row ? row.spendFen : null,
      cumulativeShare: row ? row.cumulativeShare : 0,
      percentile: row ? percentileOf(last, n) : null,
    };
  };
  return { customers: n, totalFen: a.totalFen, buckets, cutoffs: { A: cutoff("A"), B: cutoff("B") } };
}
