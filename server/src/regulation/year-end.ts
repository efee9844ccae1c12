import { attainment } from "./pace.ts";

/** The year-end forfeit of the reserved monthly bonus (docs/regulation.md, 第六条 2②⑴). Pure. */

export interface YearEnd {
  attainment: number | null;
  /** annual attainment under 80% forfeits the reserved monthly bonus; no target, no forfeit */
  forfeitsReservedBonus: boolean;
}

/** A year's target is the sum of its months' targets. */
export function yearEnd(achievedFen: number, monthlyTargetsFen: readonly number[]): YearEnd {
  const a = attainment(
    achievedFen,
    monthlyTargetsFen.reduce((s, t) => s + t, 0),
  );
  return { attainment: a, forfeitsReservedBonus: a !== null && a < 0.8 };
}
