import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { addClubDays } from "../time/club-time.ts";
import type { Tier } from "./tiers.ts";

/**
 * Cadence: the minimum in-person visits a year per tier, and when a customer is
 * overdue (docs/regulation.md, 第四条 2①). Pure, with the SQL form the customer
 * lists and the overdue list filter and sort by.
 */

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
  /** the club's zone: the interval is counted in its calendar days */
  tz: string;
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
 * Overdue when the last in-person contact is older than ⌊365/required⌋ days, or
 * when there is none and the customer has been active that long. The days are club
 * calendar days: due at the same club wall-clock time ⌊365/required⌋ days on, so a
 * DST change in between moves no due date by an hour. `daysOverdue` counts whole
 * 24 h spans past that instant.
 */
export function cadenceStatus(input: CadenceInput): CadenceStatus {
  const required = requiredVisits(input.tier, input.settings);
  const interval = intervalDays(required);
  if (input.activeSince === null) return { required, intervalDays: interval, dueAt: null, overdue: false, daysOverdue: null };
  const since = input.lastInPersonAt ?? input.activeSince;
  const dueAt = addClubDays(since, interval, input.tz);
  const late = input.now.getTime() - dueAt.getTime();
  return { required, intervalDays: interval, dueAt, overdue: late > 0, daysOverdue: Math.floor(late / DAY_MS) };
}

/**
 * `cadenceStatus(...).dueAt` in SQL: `since` is the instant counted from (the last
 * in-person contact, else becoming active), `tier` the customer's tier.
 */
export function cadenceDueSql(since: SQLWrapper, tier: SQLWrapper, settings: CadenceSettings, tz: string): SQL<Date> {
  const days = sql`(case ${tier} when 'A' then ${intervalDays(settings.A)}::int when 'B' then ${intervalDays(settings.B)}::int else ${intervalDays(settings.C)}::int end)`;
  return sql<Date>`((((${since}) at time zone ${tz}::text) + make_interval(days => ${days})) at time zone ${tz}::text)`;
}

/** `cadenceStatus(...).overdue` in SQL, for an active customer. */
export function overdueSql(since: SQLWrapper, tier: SQLWrapper, settings: CadenceSettings, tz: string, now: Date): SQL<boolean> {
  return sql<boolean>`(${cadenceDueSql(since, tier, settings, tz)} < ${now.toISOString()}::timestamptz)`;
}
