import { type ClubMonth, monthRange, monthsEnding, nextMonth } from "../time/club-time.ts";
import type { CustomerStatus } from "./contacts.ts";
import { compareText } from "./order.ts";
import { formatPercent } from "./pace.ts";

/**
 * The month-close ladder, the department bonus suspension and the churn rate
 * (docs/regulation.md, 第六条 2②⑵). Pure: the service sums targets and revenue in
 * fen, these rules judge them. Attainments and rates are fractions (0.79 = 79%).
 */

// ── month close (第六条 2②⑵) ─────────────────────────────────────────────────

export type Outcome = "ok" | "warning" | "removal";

export type CloseRule = "month-under-20" | "six-months-under-60" | "churn-over-20" | "three-months-under-80" | "churn-over-5";

export interface CloseReason {
  rule: CloseRule;
  severity: "warning" | "removal";
  /** e.g. "3 months under 80%: 79%, 79%, 79%" */
  message: string;
  /** the attainments (or the churn rate) behind the rule, as fractions */
  numbers: number[];
  /** the closed months behind the rule (the month closed for a churn rule) */
  months: ClubMonth[];
}

export interface MonthRecord {
  month: ClubMonth;
  /** null when the rep had no target that month: not a closed month for the rep */
  attainment: number | null;
}

export interface MonthVerdict {
  outcome: Outcome;
  /** every rule that fired, removal rules first */
  reasons: CloseReason[];
}

type ClosedMonth = MonthRecord & { attainment: number };

function underRule(
  rule: CloseRule,
  sev: CloseReason["severity"],
  closed: readonly ClosedMonth[],
  count: number,
  limit: number,
  label: string,
): CloseReason | null {
  if (closed.length < count) return null; // a rep who joined mid-year: too few months for the rule
  const last = closed.slice(-count);
  if (!last.every((m) => m.attainment < limit)) return null;
  const numbers = last.map((m) => m.attainment);
  return {
    rule,
    severity: sev,
    message: `${label} under ${formatPercent(limit)}: ${numbers.map(formatPercent).join(", ")}`,
    numbers,
    months: last.map((m) => m.month),
  };
}

function churnRule(rule: CloseRule, sev: CloseReason["severity"], month: ClubMonth, churnRate: number, limit: number): CloseReason | null {
  if (!(churnRate > limit)) return null;
  return {
    rule,
    severity: sev,
    message: `group customer churn ${formatPercent(churnRate)} over ${formatPercent(limit)}`,
    numbers: [churnRate],
    months: [month],
  };
}

/**
 * The ladder for one closed month M, in order of severity (docs/regulation.md, 第六条 2②⑵):
 * removal — M < 20%, the last six closed months each < 60%, or churn > 20%;
 * warning — the last three closed months each < 80%, or churn > 5%.
 * Months without a target are not closed months for the rep: they break no run
 * and count toward none, so 79%, (no target), 79%, 79% is three in a row.
 * Returns null when M itself has no target (the close skips reps without one).
 */
export function monthVerdict(history: readonly MonthRecord[], month: ClubMonth, churnRate: number): MonthVerdict | null {
  const upTo = history.filter((m) => m.month <= month).sort((a, b) => compareText(a.month, b.month));
  const current = upTo.at(-1);
  if (!current || current.month !== month || current.attainment === null) return null;
  const closed = upTo.filter((m): m is ClosedMonth => m.attainment !== null);
  const reasons = [
    underRule("month-under-20", "removal", closed, 1, 0.2, "month"),
    underRule("six-months-under-60", "removal", closed, 6, 0.6, "6 months"),
    churnRule("churn-over-20", "removal", month, churnRate, 0.2),
    underRule("three-months-under-80", "warning", closed, 3, 0.8, "3 months"),
    churnRule("churn-over-5", "warning", month, churnRate, 0.05),
  ].filter((r): r is CloseReason => r !== null);
  // removal wins over warning
  const outcome: Outcome = reasons.some((r) => r.severity === "removal") ? "removal" : reasons.length > 0 ? "warning" : "ok";
  return { outcome, reasons };
}

export interface RepMonth extends MonthRecord {
  /** churn rate at this month (see `churnRate`); 0 when omitted */
  churnRate?: number | undefined;
}

export interface MonthClose {
  month: ClubMonth;
  attainment: number | null;
  /** null for a month without a target: nothing was closed */
  outcome: Outcome | null;
  reasons: CloseReason[];
  departmentBonusSuspended: boolean;
}

/**
 * Closes every month of a rep's record in order and carries the department bonus
 * suspension: from the month after a warning (or a removal, which is worse) up to
 * the first closed month reaching 100%, which is paid in full. A month without a
 * target inside a suspension stays suspended (it is not a closed month at 100%).
 * 第六条 2②⑵: 从第四个月开始…不再参与部门奖金的分配,直至完成任务指标.
 */
export function closeSequence(months: readonly RepMonth[]): MonthClose[] {
  const ordered = [...months].sort((a, b) => compareText(a.month, b.month));
  let suspended = false;
  return ordered.map((m) => {
    const verdict = monthVerdict(ordered, m.month, m.churnRate ?? 0);
    if ((m.attainment ?? 0) >= 1) suspended = false;
    const result: MonthClose = {
      month: m.month,
      attainment: m.attainment,
      outcome: verdict?.outcome ?? null,
      reasons: verdict?.reasons ?? [],
      departmentBonusSuspended: suspended,
    };
    if (verdict && verdict.outcome !== "ok") suspended = true;
    return result;
  });
}

/** The close of month M from the rep's record up to M; the same input always gives the same result. */
export function closeMonth(months: readonly RepMonth[], month: ClubMonth): MonthClose {
  const upTo = closeSequence(months.filter((m) => m.month <= month));
  const last = upTo.at(-1);
  if (last?.month === month) return last;
  // no record for M: no target, and the suspension (if any) carries on
  return { month, attainment: null, outcome: null, reasons: [], departmentBonusSuspended: suspendedAfter(upTo) };
}

function suspendedAfter(closes: readonly MonthClose[]): boolean {
  const last = closes.at(-1);
  if (!last) return false;
  return last.departmentBonusSuspended || (last.outcome !== null && last.outcome !== "ok");
}

/** What `suspensionAfter` reads of a closed month (a stored result or a MonthClose). */
export interface ClosedOutcome {
  month: ClubMonth;
  attainment: number | null;
  outcome: Outcome | null;
  reasons: readonly CloseReason[];
}

export interface Suspension {
  /** whether the department bonus is suspended for the month after these closes */
  suspended: boolean;
  /** the first suspended month of the current run */
  since: ClubMonth | null;
  /** the latest warning or removal that keeps it suspended */
  cause: ClosedOutcome | null;
}

/**
 * The department bonus after a rep's closed months, and why — the same walk as
 * closeSequence: a closed month at 100% ends a suspension (and is paid in full);
 * then a warning or removal in a month suspends from the next one. For the
 * standing page, which explains the flag with the month and reasons behind it.
 */
export function suspensionAfter<T extends ClosedOutcome>(closes: readonly T[]): Suspension & { cause: T | null } {
  let cause: T | null = null;
  let since: ClubMonth | null = null;
  for (const c of [...closes].sort((a, b) => compareText(a.month, b.month))) {
    if ((c.attainment ?? 0) >= 1) {
      cause = null;
      since = null;
    }
    if (c.outcome === "warning" || c.outcome === "removal") {
      since ??= nextMonth(c.month);
      cause = c;
    }
  }
  return { suspended: cause !== null, since, cause };
}

// ── churn rate ───────────────────────────────────────────────────────────────

export interface StatusChange {
  at: Date;
  status: CustomerStatus;
}

export interface CustomerStatusHistory {
  customerId: string;
  kind: "group" | "individual";
  /** every status the customer took, the first being its creation */
  changes: readonly StatusChange[];
}

export interface ChurnRate {
  /** group customers that turned churned in the window */
  churned: number;
  /** customers (any kind) active at any time in the window */
  base: number;
  rate: number;
}

/**
 * docs/regulation.md, 第六条 2②⑵: group customers of the rep that turned `churned` in the 12 months
 * ending with M ÷ all customers of the rep that were `active` at any time in those
 * months; 0 with none. The caller passes the rep's customers. A customer that
 * churned in the window was active until that instant, so it is in the base even
 * when it churned at the window's first instant; one that churned twice counts once.
 */
export function churnRate(customers: readonly CustomerStatusHistory[], month: ClubMonth, tz: string): ChurnRate {
  const first = monthsEnding(month, 12)[0]!;
  const start = monthRange(first, tz).start.getTime();
  const end = monthRange(month, tz).end.getTime();
  let churned = 0;
  let base = 0;
  for (const c of customers) {
    const changes = [...c.changes].sort((a, b) => a.at.getTime() - b.at.getTime());
    let statusAtStart: CustomerStatus | null = null;
    let activeInWindow = false;
    let churnedInWindow = false;
    let prev: CustomerStatus | null = null;
    for (const ch of changes) {
      const t = ch.at.getTime();
      if (t < start) statusAtStart = ch.status;
      else if (t < end) {
        if (ch.status === "active") activeInWindow = true;
        if (ch.status === "churned" && prev !== "churned") churnedInWindow = true;
      }
      prev = ch.status;
    }
    if (statusAtStart === "active") activeInWindow = true;
    if (activeInWindow || churnedInWindow) base++;
    if (churnedInWindow && c.kind === "group") churned++;
  }
  return { churned, base, rate: base > 0 ? churned / base : 0 };
}
