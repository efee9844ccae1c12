import { customerMonthTotals, customerNameGrams, customers, rowsOf, type Tx, users } from "@clubhouse/db";
import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import type { Actor } from "../access/actor.ts";
import { repInScope, scopeOf } from "../access/scope.ts";
import type { ServiceContext } from "../deps.ts";
import { NotFound } from "../errors.ts";
import { toYuan } from "../money.ts";
import { cadenceStatus, overdueSql } from "../regulation/cadence.ts";
import { staleSql } from "../regulation/refresh.ts";
import { customerTierSql, type Tier } from "../regulation/tiers.ts";
import type { ClubNow } from "../settings/club-now.ts";
import { dayOf, quarterOf } from "../time/club-time.ts";

/** Customers as rows and as views: who may see which, and what a customer shows. */
export type CustomerRow = typeof customers.$inferSelect;

/**
 * A rep sees only the customers they own (docs/customers.md), a team lead those their team's
 * reps own (access/scope.ts); others answer 404 as if absent.
 */
export function visibleTo(actor: Actor): SQL | undefined {
  return repInScope(scopeOf(actor), customers.ownerId);
}

/**
 * The customers of a group by id (RLS: this club's only); visibility is checked per
 * request. `lock` takes FOR NO KEY UPDATE, the lock an UPDATE of non-key columns takes
 * itself: it keeps two writers of one customer apart, but not the foreign-key checks
 * (FOR KEY SHARE) of revenue and contacts being written for that customer meanwhile,
 * which FOR UPDATE would make wait for the whole group.
 */
export async function customersById(tx: Tx, ids: string[], lock = false): Promise<Map<string, GroupCustomer>> {
  // Sorted (as PostgreSQL orders uuids: their lower-case text), the order the rows are
  // locked in, so that two groups never take each other's customers the other way round.
  const unique = [...new Set(ids.map((id) => id.toLowerCase()))].sort();
  // One statement text whatever the group's size (the ids as one JSON parameter), of the
  // columns a grouped write checks: a prepared statement, and nothing to map. The ids go
  // through jsonb_to_recordset, whose row count the planner does not read from the value,
  // so PostgreSQL keeps one generic plan instead of planning each group anew (with
  // `id = any(array)` it did: 150 µs a group); the lateral probe keeps that plan an index
  // lookup per id, and locks each row as it is found, in the ids' order.
  const rows = rowsOf<{ id: string; owner_id: string; status: CustomerRow["status"]; pin_lat: number | null; pin_lng: number | null }>(
    await tx.execute(sql`
      select c.id, c.owner_id, c.status, c.pin_lat, c.pin_lng
      from jsonb_to_recordset(${JSON.stringify(unique.map((id) => ({ id })))}::jsonb) as x(id uuid)
      cross join lateral (
        select id, owner_id, status, pin_lat, pin_lng from ${customers} where id = x.id limit 1 ${lock ? sql`for no key update` : sql``}
      ) c
      order by c.id`),
  );
  return new Map(rows.map((c) => [c.id, { id: c.id, ownerId: c.owner_id, status: c.status, pinLat: c.pin_lat, pinLng: c.pin_lng }]));
}

/** A customer as a work list shows it (the prospect review queue, the stale list): which one, and whose. */
export function listedCustomer(c: CustomerRow, ownerName: string) {
  return { customerId: c.id, name: c.name, kind: c.kind, ownerId: c.ownerId, ownerName };
}

/** What a grouped write (revenue, contacts) needs of a customer: who owns it, its status and its pin (verified visits). */
export type GroupCustomer = Pick<CustomerRow, "id" | "ownerId" | "status" | "pinLat" | "pinLng">;

export async function loadCustomer(tx: Tx, ctx: ServiceContext, id: string, forUpdate = false): Promise<CustomerRow> {
  const q = tx
    .select()
    .from(customers)
    .where(and(eq(customers.id, id), visibleTo(ctx.actor)));
  const [row] = forUpdate ? await q.for("update") : await q;
  if (!row) throw new NotFound("customer");
  return row;
}

export function spendExpr(month: string): SQL<number> {
  return sql<number>`(select coalesce(sum(t.amount_fen), 0) from ${customerMonthTotals} t
    where t.tenant_id = ${customers.tenantId} and t.customer_id = ${customers.id} and t.month = ${month})::bigint`;
}

export function tierExpr(club: ClubNow, spend: SQL<number>): SQL<Tier | null> {
  return customerTierSql(customers.status, spend, club.rules.tiers);
}

/** "This customer's owner is disabled": its book waits to be handed over (docs/handover.md). */
export function unownedSql(): SQL<boolean> {
  return sql<boolean>`(${customers.ownerId} in (select u.id from ${users} u where u.disabled_at is not null))`;
}

/** A customer's current tier (its spend in the last complete club month), as SQL on customers. */
export function currentTierSql(club: ClubNow): SQL<Tier | null> {
  return tierExpr(club, spendExpr(club.tierMonth));
}

/** 动态管理: prospects and active customers need a refresh every club quarter (regulation/refresh.ts). */
export function staleExpr(club: ClubNow): SQL<boolean> {
  return staleSql(
    customers.status,
    customers.createdAt,
    customers.lastRefreshedAt,
    quarterOf(club.now, club.rules.timezone),
    club.rules.timezone,
  );
}

/** Cadence (regulation/cadence.ts): overdue when the last in-person contact (or becoming active) is ⌊365/required⌋ club days ago. */
export function overdueExpr(club: ClubNow, tier: SQL<Tier | null>): SQL<boolean> {
  const since = sql`coalesce(${customers.lastInPersonAt}, ${customers.activeSince}, ${customers.createdAt})`;
  return sql<boolean>`(${customers.status} = 'active' and ${overdueSql(since, tier, club.rules.cadence, club.rules.timezone, club.now)})`;
}

/**
 * The cadence figures a customer row carries (regulation/cadence.ts's `cadenceStatus`, counted
 * from the same instant as `overdueExpr`): the club day the next in-person visit is due
 * (null when no cadence applies: not active), and whole days overdue (0 when not overdue,
 * and on the first day overdue, as GET /reps/overdue counts them).
 */
function cadenceFigures(row: CustomerRow, tier: Tier | null, club: ClubNow): { nextVisitDue: string | null; daysOverdue: number } {
  if (row.status !== "active" || tier === null) return { nextVisitDue: null, daysOverdue: 0 };
  const tz = club.rules.timezone;
  const s = cadenceStatus({
    lastInPersonAt: row.lastInPersonAt,
    activeSince: row.activeSince ?? row.createdAt,
    now: club.now,
    tier,
    settings: club.rules.cadence,
    tz,
  });
  if (s.dueAt === null) return { nextVisitDue: null, daysOverdue: 0 };
  return { nextVisitDue: dayOf(s.dueAt, tz), daysOverdue: s.overdue ? Math.max(0, s.daysOverdue ?? 0) : 0 };
}

export function presentCustomer(
  row: CustomerRow,
  extra: {
    tier: Tier | null;
    spend: number;
    stale: boolean;
    overdue: boolean;
    ownerName: string | null;
    nextVisitDue: string | null;
    daysOverdue: number;
    /** the name of who set the pin (docs/verified-visits.md) */
    pinByName?: string | null;
  },
) {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    status: row.status,
    ownerId: row.ownerId,
    /** the owner's name, so a list names every owner without reading the club's users */
    ownerName: extra.ownerName ?? "",
    tier: extra.tier,
    referredById: row.referredById,
    expectedMonthlySpend: row.expectedMonthlySpendFen === null ? null : toYuan(row.expectedMonthlySpendFen),
    lastMonthSpend: toYuan(extra.spend),
    profile: row.profile,
    personal: row.personal,
    features: row.features,
    transaction: row.transaction,
    customerSince: row.customerSince,
    activeSince: row.activeSince?.toISOString() ?? null,
    lastInPersonAt: row.lastInPersonAt?.toISOString() ?? null,
    lastRefreshedAt: row.lastRefreshedAt.toISOString(),
    stale: extra.stale,
    overdue: extra.overdue,
    /** the club day the next in-person visit is due by the cadence; null when none applies */
    nextVisitDue: extra.nextVisitDue,
    /** whole days past the due instant; 0 when not overdue */
    daysOverdue: extra.daysOverdue,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    /** where the customer is (docs/verified-visits.md): pinned at a visit or by a manager */
    pin:
      row.pinLat !== null && row.pinLng !== null && row.pinSource && row.pinBy && row.pinAt
        ? {
            lat: row.pinLat,
            lng: row.pinLng,
            source: row.pinSource,
            by: row.pinBy,
            byName: extra.pinByName ?? null,
            at: row.pinAt.toISOString(),
          }
        : null,
  };
}
export type CustomerView = ReturnType<typeof presentCustomer>;

/** How a read of customers is ordered: by name and id (on the gram's copy of them when reading a gram), or by `order`. */
export interface ReadOrder {
  limit?: number;
  gram?: string;
  /** the order (with its last ties broken by name, id) and the sort key each row carries back for its cursor */
  order?: SQL[];
  key?: SQL;
}

/** The owner's name, by the users' primary key. */
export const ownerNameExpr = sql<
  string | null
>`(select u.name from ${users} u where u.tenant_id = ${customers.tenantId} and u.id = ${customers.ownerId})`;

/** The name of who set the pin. */
const pinByNameExpr = sql<
  string | null
>`(select u.name from ${users} u where u.tenant_id = ${customers.tenantId} and u.id = ${customers.pinBy})`;

export async function customerRows(tx: Tx, club: ClubNow, where: SQL | undefined, opts: ReadOrder = {}) {
  const spend = spendExpr(club.tierMonth);
  const tier = tierExpr(club, spend);
  const base = tx
    .select({
      c: customers,
      spend,
      tier,
      stale: staleExpr(club),
      overdue: overdueExpr(club, tier),
      ownerName: ownerNameExpr,
      pinByName: pinByNameExpr,
      key: opts.key ?? sql<null>`null`,
    })
    .from(customers)
    .$dynamic();
  // With a gram: that gram's customers, read from its index in list order (its rows
  // carry the name), so a page stops as soon as it is full.
  let q = opts.gram
    ? base
        .innerJoin(
          customerNameGrams,
          and(
            eq(customerNameGrams.tenantId, customers.tenantId),
            eq(customerNameGrams.customerId, customers.id),
            eq(customerNameGrams.gram, opts.gram),
          ),
        )
        .where(where)
        .orderBy(...(opts.order ?? [asc(customerNameGrams.name), asc(customerNameGrams.customerId)]))
    : base.where(where).orderBy(...(opts.order ?? [asc(customers.name), asc(customers.id)]));
  if (opts.limit) q = q.limit(opts.limit);
  const rows = await q;
  return rows.map((r) => ({
    view: presentCustomer(r.c, {
      tier: r.tier,
      spend: Number(r.spend),
      stale: r.stale,
      overdue: r.overdue,
      ownerName: r.ownerName,
      pinByName: r.pinByName,
      ...cadenceFigures(r.c, r.tier, club),
    }),
    key: r.key as unknown,
  }));
}

export async function viewsOf(tx: Tx, club: ClubNow, where: SQL | undefined, opts: ReadOrder = {}) {
  return (await customerRows(tx, club, where, opts)).map((r) => r.view);
}

export async function viewCustomer(tx: Tx, ctx: ServiceContext, club: ClubNow, id: string): Promise<CustomerView> {
  const [v] = await viewsOf(tx, club, and(eq(customers.id, id), visibleTo(ctx.actor)));
  if (!v) throw new NotFound("customer");
  return v;
}
