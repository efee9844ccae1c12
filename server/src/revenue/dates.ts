import type { Tx } from "@clubhouse/db";
import type { FieldsIn } from "../errors.ts";
import { RuleViolation, ValidationError } from "../errors.ts";
import { type FieldIssue, fieldIssue } from "../http/field-codes.ts";
import { latestClosedMonth, lockQuotasShared } from "../quotas/read.ts";
import { type ClubMonth, monthOf, monthRange } from "../time/club-time.ts";

/**
 * When money may be dated (docs/revenue.md, 第六条 records), for revenue entries (API and
 * CSV import) and card sales alike, as for contacts:
 * - not in the future beyond a phone's clock skew (5 minutes);
 * - not before 2000-01-01 in club time;
 * - not in a closed month: the month close judged the reps (warnings, removals,
 *   suspended bonuses) on that month's figures, so nothing new is added behind it.
 * The first two are a 400 naming the field, the last a 422 naming the month.
 */
export const FUTURE_SKEW_MS = 5 * 60_000;
export const EARLIEST_DAY = "2000-01-01";

/** Why `at` cannot date money (undefined when it can). */
export function dateProblem(at: Date, now: Date, tz: string): FieldIssue | undefined {
  if (at.getTime() > now.getTime() + FUTURE_SKEW_MS) return fieldIssue("in_future", "is in the future");
  if (at.getTime() < monthRange("2000-01", tz).start.getTime())
    return fieldIssue("too_early", `must not be before ${EARLIEST_DAY}`, { min: EARLIEST_DAY });
  return undefined;
}

/** dateProblem as the 400 of a request's `field`. */
export function checkDate(at: Date, now: Date, tz: string, field = "occurredAt") {
  const problem = dateProblem(at, now, tz);
  if (problem) throw new ValidationError({ [field]: problem });
}

/**
 * Months that may be closed while this write runs: any before the club month of a
 * minute from now (a close can start the moment its month ends, so the last minute
 * of a month counts as past already).
 */
export function maybeClosed(month: ClubMonth, now: Date, tz: string): boolean {
  return month < monthOf(new Date(now.getTime() + 60_000), tz);
}

/**
 * The latest closed month of the club, for a write dated before the current month;
 * null when nothing is closed. Takes the quotas lock shared first, so a close under
 * way is waited for and a close starting later waits for this transaction.
 */
export function closedMonths(tx: Tx, tenantId: string): () => Promise<ClubMonth | null> {
  let latest: Promise<ClubMonth | null> | undefined;
  return () => {
    latest ??= lockQuotasShared(tx, tenantId).then(() => latestClosedMonth(tx));
    return latest;
  };
}

export function closedMonthProblem(month: ClubMonth): FieldIssue {
  return fieldIssue("closed_month", `is in ${month}, a closed month`, { month });
}

export function closedMonthError(month: ClubMonth, fields: FieldsIn): RuleViolation {
  return new RuleViolation(
    `${month} is closed: its quota results were decided on its figures, so no entry can be added to it. Record it in the current month.`,
    fields,
  );
}

/**
 * Refuses (422) money dated in a closed month. `closed` is one transaction's
 * closedMonths; it is read only when the month is before the current one.
 */
export async function checkOpenMonth(
  month: ClubMonth,
  now: Date,
  tz: string,
  closed: () => Promise<ClubMonth | null>,
  field = "occurredAt",
) {
  if (!maybeClosed(month, now, tz)) return;
  const latest = await closed();
  if (latest !== null && month <= latest) throw closedMonthError(month, { [field]: closedMonthProblem(month) });
}
