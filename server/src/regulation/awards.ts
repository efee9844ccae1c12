import { compareText } from "./order.ts";

/**
 * Year-end awards (docs/regulation.md, 第六条 2①): 销售冠军、亚军、季军 among reps who
 * completed their annual target. Pure: the service sums the year per rep.
 */

export interface AwardCandidate {
  repId: string;
  name: string;
  revenueFen: number;
  /** the year's target: the sum of its months' targets */
  targetFen: number;
  /** when the rep's cumulative revenue reached the annual target (see `reachedTargetAt`) */
  reachedTargetAt: Date | null;
}

export interface Award {
  repId: string;
  name: string;
  revenueFen: number;
  attainment: number;
}

export interface Awards {
  champion: Award | null;
  runnerUp: Award | null;
  third: Award | null;
}

// 在本年度累计完成vip业务收入指标: only reps at 100% or more of a real target qualify.
function isEligible(c: AwardCandidate): boolean {
  return c.targetFen > 0 && c.revenueFen >= c.targetFen;
}

// Attainments compared exactly by cross-multiplying in BigInt: fen amounts up to
// 1e14 overflow a double's exact range when multiplied.
function compareAttainment(a: AwardCandidate, b: AwardCandidate): number {
  const left = BigInt(Math.round(a.revenueFen)) * BigInt(Math.round(b.targetFen));
  const right = BigInt(Math.round(b.revenueFen)) * BigInt(Math.round(a.targetFen));
  return left > right ? 1 : left < right ? -1 : 0;
}

function reachedTime(c: AwardCandidate): number {
  return c.reachedTargetAt?.getTime() ?? Number.POSITIVE_INFINITY;
}

/** Highest revenue first; ties → higher attainment, then the earlier to reach the target, then repId. */
export function compareCandidates(a: AwardCandidate, b: AwardCandidate): number {
  if (a.revenueFen !== b.revenueFen) return b.revenueFen - a.revenueFen;
  const byAttainment = compareAttainment(b, a);
  if (byAttainment !== 0) return byAttainment;
  const byTime = reachedTime(a) - reachedTime(b);
  if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
  return compareText(a.repId, b.repId);
}

export function rankAwards(candidates: readonly AwardCandidate[]): Awards {
  const [champion, runnerUp, third] = candidates
    .filter(isEligible)
    .sort(compareCandidates)
    .map((c): Award => ({ repId: c.repId, name: c.name, revenueFen: c.revenueFen, attainment: c.revenueFen / c.targetFen }));
  return { champion: champion ?? null, runnerUp: runnerUp ?? null, third: third ?? null };
}

export interface CumulativeEntry {
  at: Date;
  /** the rep's running revenue for the year after this entry, reversals included */
  cumulativeFen: number;
}

/**
 * When the rep reached the annual target: the first entry from which the running
 * total stays at or above it to the end of the list. A target "reached" by an
 * entry later reversed below it does not count from that moment — the mistake was
 * never revenue (第六条: 严格统计数字). Null when the total ends below the target.
 */
export function reachedTargetAt(entries: readonly CumulativeEntry[], targetFen: number): Date | null {
  if (targetFen <= 0) return null;
  let reached: Date | null = null;
  for (const e of entries) {
    if (e.cumulativeFen < targetFen) reached = null;
    else reached ??= e.at;
  }
  return reached;
}
