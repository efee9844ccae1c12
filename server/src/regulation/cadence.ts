import type { Tier } from "./tiers.ts";

/** Cadence: the minimum in-person visits a year per tier, and when a customer is overdue (docs/regulation.md, 第四条 2①). */

const DAY_MS = 86_400_000;

/** Minimum in-person visits a year per tier (club settings). */
export type CadenceSettings = Record<Tier, number>;

// 第四条 2①: six visits a year is the baseline; tiers that respond to visits get more.
export const DEFAULT_CADENCE: CadenceSettings = { A: 12, B: 8, C: 6 };

export function requiredVisits(tier: Tier, settings: CadenceSettings): number {
  return settings[tier];
}

export function intervalDays(required: number): number {
  return Math.floor(365 / required);
}

export interface CadenceInput {
  lastInPersonAt: Date | null;
  /** when the customer became active; null when it is not active (no cadence applies) */
  activeSince: Date | null;
  now: Date;
  tier: Tier;
  settings: CadenceSettings;
}

export interface CadenceStatus {
  required: number;
  intervalDays: number;
  /** the instant after which the customer is overdue; null when not active */
  dueAt: Date | null;
  overdue: boolean;
  /** whole days past `dueAt`: 0 on the first day overdue, negative while still due ahead; null when not active */
  daysOverdue: number | null;
}

/**
 * SPEC §5: overdue when the last in-person contact is older than ⌊365/required⌋
 * days, or when there is none and the customer has been active that long. Days are
 * spans of 24 h of real time from the contact, so the rule needs no zone.
 */
export function cadenceStatus(input: CadenceInput): CadenceStatus {
  const required = requiredVisits(input.tier, input.settings);
  const interval = intervalDays(required);
  if (input.activeSince === null) return { required, intervalDays: interval, dueAt: null, overdue: false, daysOverdue: null };
  const since = input.lastInPersonAt ?? input.activeSince;
  const dueAt = new Date(since.getTime() + interval * DAY_MS);
  const late = input.now.getTime() - dueAt.getTime();
  return { required, intervalDays: interval, dueAt, overdue: late > 0, daysOverdue: Math.floor(late / DAY_MS) };
}

export function isOverdue(input: CadenceInput): boolean {
  return cadenceStatus(input).overdue;
}

/** For sorting an overdue list (most overdue first): negative while not yet due, null when not active. */
export function daysOverdue(input: CadenceInput): number | null {
  return cadenceStatus(input).daysOverdue;
}
