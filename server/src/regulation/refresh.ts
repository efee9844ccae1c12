import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { type ClubQuarter, isWithin, quarterRange } from "../time/club-time.ts";
import type { CustomerStatus } from "./contacts.ts";
import { compareText } from "./order.ts";

/**
 * Quarterly refresh (docs/regulation.md, 第五条 三.2 动态管理: 每季度至少增补客户资料一次).
 * Pure: the service reads when each customer was last refreshed; `staleSql` is the
 * form the customer lists compute the flag with.
 */

export interface RefreshSubject {
  status: CustomerStatus;
  createdAt: Date;
  /**
   * The latest refresh (an edit of the record or a "reviewed, unchanged"
   * confirmation) at or before the end of the quarter asked about; null for none.
   * For the current quarter that is simply the latest refresh.
   */
  lastRefreshedAt: Date | null;
}

/** Only prospects and active customers must be kept fresh; churned and dropped ones are out of scope. */
export const REFRESHED_STATUSES: readonly CustomerStatus[] = ["prospect", "active"];

export function needsRefresh(status: CustomerStatus): boolean {
  return REFRESHED_STATUSES.includes(status);
}

/** Whether the customer is due in this quarter at all: in scope, and created before the quarter ended. */
export function isInScope(customer: RefreshSubject, quarter: ClubQuarter, tz: string): boolean {
  return needsRefresh(customer.status) && customer.createdAt.getTime() < quarterRange(quarter, tz).end.getTime();
}

/**
 * Stale when in scope and not refreshed within the club quarter. A customer created
 * during the quarter counts as refreshed: its record was written from scratch in that
 * quarter, so it is as fresh as a refresh would make it.
 */
export function isStale(customer: RefreshSubject, quarter: ClubQuarter, tz: string): boolean {
  if (!isInScope(customer, quarter, tz)) return false;
  const range = quarterRange(quarter, tz);
  if (isWithin(customer.createdAt, range)) return false;
  return customer.lastRefreshedAt === null || !isWithin(customer.lastRefreshedAt, range);
}

/**
 * `isStale` for the current quarter in SQL, over the customer's `status`, `createdAt`
 * and `lastRefreshedAt` columns: in scope, created before the quarter began, and last
 * refreshed before it began (a last refresh is never after now, so "not within the
 * current quarter" is "before it").
 */
export function staleSql(
  status: SQLWrapper,
  createdAt: SQLWrapper,
  lastRefreshedAt: SQLWrapper,
  quarter: ClubQuarter,
  tz: string,
): SQL<boolean> {
  const statuses = sql.join(
    REFRESHED_STATUSES.map((s) => sql`${s}`),
    sql`, `,
  );
  const start = quarterRange(quarter, tz).start.toISOString();
  return sql<boolean>`(${status} in (${statuses}) and ${createdAt} < ${start}::timestamptz and ${lastRefreshedAt} < ${start}::timestamptz)`;
}

export interface OwnedRefreshSubject extends RefreshSubject {
  ownerId: string;
}

export interface RefreshProgress {
  repId: string;
  total: number;
  refreshed: number;
  stale: number;
}

/** Each rep's progress for the quarter, over the customers in scope; reps sorted by id. */
export function refreshProgress(customers: readonly OwnedRefreshSubject[], quarter: ClubQuarter, tz: string): RefreshProgress[] {
  const byRep = new Map<string, RefreshProgress>();
  for (const c of customers) {
    if (!isInScope(c, quarter, tz)) continue;
    const p = byRep.get(c.ownerId) ?? { repId: c.ownerId, total: 0, refreshed: 0, stale: 0 };
    p.total++;
    if (isStale(c, quarter, tz)) p.stale++;
    else p.refreshed++;
    byRep.set(c.ownerId, p);
  }
  return [...byRep.values()].sort((a, b) => compareText(a.repId, b.repId));
}
