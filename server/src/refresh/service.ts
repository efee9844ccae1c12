import { customerChanges, customers, type Tx, users, withTenant } from "@clubhouse/db";
import { and, asc, eq, inArray, lt, sql } from "drizzle-orm";
import { repCondition, repFilter, repIdsInScope, scopeOf } from "../access/scope.ts";
import { listedCustomer } from "../customers/service.ts";
import type { ServiceContext } from "../deps.ts";
import { RuleViolation } from "../errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { cursorPart, decodeCursor, page, pageRows } from "../http/paging.ts";
import { type OwnedRefreshSubject, REFRESHED_STATUSES, refreshProgress, staleSql } from "../regulation/refresh.ts";
import { readClubRules } from "../settings/service.ts";
import { type ClubQuarter, quarterOf, quarterRange } from "../time/club-time.ts";

/**
 * Quarterly refresh (docs/regulation.md, 第五条 三.2 动态管理: 每季度至少增补客户资料一次). What counts as a
 * refresh is what customers/service.ts stamps `last_refreshed_at` for: creating or
 * importing the record, a real edit, or "reviewed, unchanged". Each leaves a
 * customer_changes row, so a past quarter is judged by the rows inside it rather
 * than by `last_refreshed_at`, which a refresh in a later quarter has moved on.
 */
export const REFRESH_KINDS = ["created", "imported", "edited", "refreshed"];

export interface QuarterSubject extends OwnedRefreshSubject {
  id: string;
  name: string;
}

/**
 * Every customer with its latest refresh at or before the quarter's end: every rep's,
 * or those of `owners` (one rep, or a lead's team). Status and owner are today's: a
 * customer reassigned since counts for its new owner.
 */
export async function quarterSubjects(
  tx: Tx,
  quarter: ClubQuarter,
  tz: string,
  owners?: string | readonly string[],
): Promise<QuarterSubject[]> {
  if (Array.isArray(owners) && owners.length === 0) return [];
  const { end } = quarterRange(quarter, tz);
  const endIso = end.toISOString();
  const lastChange = sql`(select max(ch.at) from ${customerChanges} ch where ch.tenant_id = ${customers.tenantId}
    and ch.customer_id = ${customers.id} and ch.kind in (${sql.join(
      REFRESH_KINDS.map((k) => sql`${k}`),
      sql`, `,
    )}) and ch.at < ${endIso}::timestamptz)`;
  const rows = await tx
    .select({
      id: customers.id,
      name: customers.name,
      ownerId: customers.ownerId,
      status: customers.status,
      createdAt: customers.createdAt,
      lastRefreshedAt: customers.lastRefreshedAt,
      lastChange: lastChange.mapWith(customerChanges.at),
    })
    .from(customers)
    .where(
      and(
        inArray(customers.status, [...REFRESHED_STATUSES]),
        lt(customers.createdAt, end),
        typeof owners === "string" ? eq(customers.ownerId, owners) : owners ? inArray(customers.ownerId, [...owners]) : undefined,
      ),
    );
  return rows.map((r) => {
    const candidates = [r.lastRefreshedAt.getTime() < end.getTime() ? r.lastRefreshedAt : null, (r.lastChange as Date | null) ?? null]
      .filter((d): d is Date => d !== null)
      .map((d) => d.getTime());
    return {
      id: r.id,
      name: r.name,
      ownerId: r.ownerId,
      status: r.status,
      createdAt: r.createdAt,
      lastRefreshedAt: candidates.length ? new Date(Math.max(...candidates)) : null,
    };
  });
}

/** The quarter asked about: the current one by default; one that has not begun is refused. */
async function quarterContext(tx: Tx, ctx: ServiceContext, quarter: string | undefined) {
  const rules = await readClubRules(tx);
  const now = ctx.deps.clock.now();
  const current = quarterOf(now, rules.timezone);
  const q = quarter ?? current;
  if (q > current) throw new RuleViolation("That quarter has not begun.", { quarter: fieldIssue("in_future", "is in the future") });
  return { tz: rules.timezone, quarter: q, now };
}

/**
 * Each rep's refresh progress for a club quarter (reps see their own row). Every
 * enabled rep has a row, even with no customers to refresh.
 */
export async function progress(ctx: ServiceContext, q: { quarter?: string | undefined; limit: number; cursor?: string | undefined }) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const { tz, quarter } = await quarterContext(tx, ctx, q.quarter);
    // a team lead: every rep of their team (access/scope.ts)
    const scope = scopeOf(ctx);
    const only = scope.kind === "team" ? await repIdsInScope(tx, scope) : null;
    const ownerId = only ? undefined : await repFilter(tx, ctx, undefined);
    // a lead's team: only its reps' customers are read, not the club's
    const subjects = await quarterSubjects(tx, quarter, tz, only ? [...only] : ownerId);
    const byRep = new Map(refreshProgress(subjects, quarter, tz).map((p) => [p.repId, p]));
    const people = await tx
      .select({ id: users.id, name: users.name, role: users.role, disabledAt: users.disabledAt })
      .from(users)
      .where(ownerId ? eq(users.id, ownerId) : undefined);
    const rows = people
      .filter((u) => (only ? only.has(u.id) : true))
      .filter((u) => ownerId !== undefined || byRep.has(u.id) || (u.role === "rep" && u.disabledAt === null))
      .map((u) => {
        const p = byRep.get(u.id);
        return { repId: u.id, name: u.name, total: p?.total ?? 0, refreshed: p?.refreshed ?? 0, stale: p?.stale ?? 0 };
      });
    const totals = rows.reduce((t, r) => ({ total: t.total + r.total, refreshed: t.refreshed + r.refreshed, stale: t.stale + r.stale }), {
      total: 0,
      refreshed: 0,
      stale: 0,
    });
    return { quarter, totals, ...pageRows(rows, q, [cursorPart.text, cursorPart.uuid], (r) => [r.name, r.repId]) };
  });
}

/** Stale customers this club quarter, stalest first (reps see their own; managers may name an owner). */
export async function staleCustomers(ctx: ServiceContext, q: { ownerId?: string | undefined; limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(q.cursor, [cursorPart.instant, cursorPart.uuid]);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const { tz, quarter } = await quarterContext(tx, ctx, undefined);
    const byOwner = await repCondition(tx, ctx, q.ownerId, customers.ownerId);
    // isStale for the current quarter, in SQL (regulation/refresh.ts)
    const rows = await tx
      .select({ c: customers, ownerName: users.name })
      .from(customers)
      .innerJoin(users, eq(users.id, customers.ownerId))
      .where(
        and(
          staleSql(customers.status, customers.createdAt, customers.lastRefreshedAt, quarter, tz),
          byOwner,
          after ? sql`(${customers.lastRefreshedAt}, ${customers.id}) > (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
        ),
      )
      .orderBy(asc(customers.lastRefreshedAt), asc(customers.id))
      .limit(q.limit + 1);
    return {
      quarter,
      ...page(
        rows,
        q.limit,
        (r) => ({
          ...listedCustomer(r.c, r.ownerName),
          status: r.c.status,
          lastRefreshedAt: r.c.lastRefreshedAt.toISOString(),
        }),
        (i) => [i.lastRefreshedAt, i.customerId],
      ),
    };
  });
}
