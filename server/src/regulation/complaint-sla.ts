import { type SQL, sql } from "drizzle-orm";

/**
 * The complaint clock (docs/regulation.md, 第五条 三.1 受理客户投诉): a complaint open
 * for more than 48 hours raises one alarm. Pure, with the SQL form the alarm job
 * selects by.
 */

export const COMPLAINT_SLA_HOURS = 48;
export const COMPLAINT_SLA_MS = COMPLAINT_SLA_HOURS * 3600_000;

export interface ComplaintClock {
  dueAt: Date;
  /** open and past due: the instant of `dueAt` itself is not yet overdue */
  overdue: boolean;
  /** open: ms left until due (negative once overdue); resolved: null */
  msLeft: number | null;
}

export function complaintDueAt(openedAt: Date): Date {
  return new Date(openedAt.getTime() + COMPLAINT_SLA_MS);
}

export function complaintClock(openedAt: Date, open: boolean, now: Date): ComplaintClock {
  const dueAt = complaintDueAt(openedAt);
  return {
    dueAt,
    overdue: open && now.getTime() > dueAt.getTime(),
    msLeft: open ? dueAt.getTime() - now.getTime() : null,
  };
}

/** `complaintClock(...).overdue` for an open complaint, in SQL: `openedAt` is the column. */
export function complaintOverdueSql(openedAt: SQL | unknown, now: Date): SQL<boolean> {
  return sql<boolean>`(${openedAt} < ${new Date(now.getTime() - COMPLAINT_SLA_MS).toISOString()}::timestamptz)`;
}
