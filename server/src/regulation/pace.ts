import { type ClubMonth, elapsedFraction, monthRange } from "../time/club-time.ts";

/**
 * Attainment, pace and the live pace alarm levels (docs/regulation.md, 第六条 2②).
 * Pure: attainments and paces are fractions (0.79 = 79%).
 */

/** achieved ÷ target; null where there is no target (none set, or 0). */
export function attainment(achievedFen: number, targetFen: number | null): number | null {
  const target = targetFen ?? 0;
  if (target <= 0) return null;
  return achievedFen / target;
}

/**
 * The elapsed part of a period of club months `from`–`to` at `now`: real time, DST-aware,
 * 0–1 — a board's pace marker (pace = attainment ÷ elapsed).
 */
export function periodElapsed(from: ClubMonth, to: ClubMonth, now: Date, tz: string): number {
  return elapsedFraction(now, { start: monthRange(from, tz).start, end: monthRange(to, tz).end });
}

/** Live pace alarm levels: "80" is pace under 80%, and so on; "ok" is on pace. */
export type PaceLevel = "ok" | "80" | "60" | "20";

export const DEFAULT_ALARM_GRACE_DAYS = 7;

export interface PaceInput {
  achievedFen: number;
  targetFen: number | null;
  /** real time elapsed in the month, 0–1 (club-time `elapsedFractionOfMonth`) */
  elapsedFraction: number;
  /** club day of the month, 1–31 */
  dayOfMonth: number;
  graceDays: number;
}

/** pace = achieved ÷ (target × elapsed); null without a target, within the grace days, or before time has run. */
export function paceLevel(input: PaceInput): PaceLevel | null {
  const { achievedFen, targetFen, elapsedFraction, dayOfMonth, graceDays } = input;
  // no alarm until the grace days have passed: with default 7, the first alarm can come on day 8
  const target = targetFen ?? 0;
  if (target <= 0 || dayOfMonth <= graceDays || elapsedFraction <= 0) return null;
  const pace = achievedFen / (target * elapsedFraction);
  if (pace < 0.2) return "20";
  if (pace < 0.6) return "60";
  if (pace < 0.8) return "80";
  return "ok";
}

const SEVERITY: Record<PaceLevel, number> = { ok: 0, "80": 1, "60": 2, "20": 3 };

function severity(level: PaceLevel | null): number {
  return level === null ? 0 : SEVERITY[level];
}

/**
 * Raise when the level gets worse, clear when it gets better (docs/regulation.md). A partial
 * recovery (60 → 80) is a "clear": the stored alarm closes and the rep's current
 * level becomes `next`; no new alarm is raised for a level that is improving.
 * No level (no target, grace days) counts as on pace.
 */
export function alarmTransition(prev: PaceLevel | null, next: PaceLevel | null): "raise" | "clear" | "none" {
  const d = severity(next) - severity(prev);
  return d > 0 ? "raise" : d < 0 ? "clear" : "none";
}

/** Percent for people: floored to one decimal so 79.99% never reads as 80%. */
export function formatPercent(fraction: number): string {
  const tenths = Math.floor(fraction * 1000 + 1e-9);
  return `${tenths / 10}%`;
}
