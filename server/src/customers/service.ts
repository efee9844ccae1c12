import {
  type CustomerStatus,
  customerChanges,
  customerMonthTotals,
  customerNameGrams,
  customerOwners,
  customerStatusHistory,
  customers,
  customerTiers,
  rowsOf,
  type Tx,
  users,
  withTenant,
} from "@clubhouse/db";
import { and, asc, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { actsAsManager, repInScope, repIsInScope, scopeOf } from "../access/scope.ts";
import type { Actor, ServiceContext } from "../deps.ts";
import { Forbidden, NotFound, RuleViolation, ValidationError } from "../http/errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { type CursorPart, cursorPart, decodeCursor, encodeCursor, page } from "../http/paging.ts";
import { toFen, toYuan } from "../money.ts";
import { cadenceStatus, overdueSql } from "../regulation/cadence.ts";
import { staleSql } from "../regulation/refresh.ts";
import { customerTier, customerTierSql, type Tier } from "../regulation/tiers.ts";
import { type ClubRules, readClubRules } from "../settings/service.ts";
import { dayOf, monthOf, previousMonth, quarterOf, quarterRange } from "../time/club-time.ts";
import type { CreateCustomer, CustomerFilters, CustomerSort, ListCustomersQuery, PatchCustomer } from "./schemas.ts";

export type CustomerRow = typeof customers.$inferSelect;

export interface ClubNow {
  rules: ClubRules;
  now: Date;
  /** A customer's current tier is its tier for the last complete club month (docs/regulation.md, 第五条 三.3). */
  tierMonth: string;
  quarterStart: Date;
}

export async function clubNow(tx: Tx, ctx: ServiceContext): Promise<ClubNow> {
  const rules = await readClubRules(tx);
  const now = ctx.deps.clock.now();
  return {
    rules,
    now,
    tierMonth: previousMonth(monthOf(now, rules.timezone)),
    quarterStart: quarterRange(quarterOf(now, rules.timezone), rules.timezone).start,
  };
}

export const isManager = (actor: Actor) => actor.kind === "system" || actor.role === "admin" || actor.role === "manager";
export const actorId = (actor: Actor) => (actor.kind === "user" ? actor.id : null);

/**
 * A rep sees only the customers they own (SPEC §2), a team lead those their team's
 * reps own (access/scope.ts); others answer 404 as if absent.
 */
export function visibleTo(actor: Actor): SQL | undefined {
  return repInScope(scopeOf(actor), customers.ownerId);
}

/** visibleTo for a row already read (a team lead's scope needs the database: never here). */
export function canSee(actor: Actor, customer: Pick<CustomerRow, "ownerId">): boolean {
  return isManager(actor) || customer.ownerId === actorId(actor);
}

/**
 * The customers of a group by id (RLS: this club's only); visibility is checked per
 * request. `lock` takes FOR NO KEY UPDATE, the lock an UPDATE of non-key columns takes
 * itself: it keeps two writers of one customer apart, but not the foreign-key checks
 * (FOR KEY SHARE) of revenue and contacts being written for that customer meanwhile,
 * which FOR UPDATE would make wait for the whole group.
 */
export async function customersById(tx: Tx, ids: string[], lock = false): Promise<Map<string, GroupCustomer>> {
  const unique = [...new Set(ids)].sort();
  // One statement text whatever the group's size (the ids as one parameter), of the
  // three columns a grouped write checks: a prepared statement, and nothing to map.
  const rows = rowsOf<{ id: string; owner_id: string; status: CustomerRow["status"] }>(
    await tx.execute(sql`
      select id, owner_id, status from ${customers}
      where id = any(string_to_array(${unique.join(",")}, ',')::uuid[])
      order by id ${lock ? sql`for no key update` : sql``}`),
  );
  return new Map(rows.map((c) => [c.id, { id: c.id, ownerId: c.owner_id, status: c.status }]));
}

/** A customer as a work list shows it (the prospect review queue, the stale list): which one, and whose. */
export function listedCustomer(c: CustomerRow, ownerName: string) {
  return { customerId: c.id, name: c.name, kind: c.kind, ownerId: c.ownerId, ownerName };
}

/** What a grouped write (revenue, contacts) needs of a customer: who owns it and its status. */
export type GroupCustomer = Pick<CustomerRow, "id" | "ownerId" | "status">;

export async function loadCustomer(tx: Tx, ctx: ServiceContext, id: string, forUpdate = false): Promise<CustomerRow> {
  const q = tx
    .select()
    .from(customers)
    .where(and(eq(customers.id, id), visibleTo(ctx.actor)));
  const [row] = forUpdate ? await q.for("update") : await q;
  if (!row) throw new NotFound("customer");
  return row;
}

function spendExpr(month: string): SQL<number> {
  return sql<number>`(select coalesce(sum(t.amount_fen), 0) from ${customerMonthTotals} t
    where t.tenant_id = ${customers.tenantId} and t.customer_id = ${customers.id} and t.month = ${month})::bigint`;
}

function tierExpr(club: ClubNow, spend: SQL<number>): SQL<Tier | null> {
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
function staleExpr(club: ClubNow): SQL<boolean> {
  return staleSql(
    customers.status,
    customers.createdAt,
    customers.lastRefreshedAt,
    quarterOf(club.now, club.rules.timezone),
    club.rules.timezone,
  );
}

/** Cadence (regulation/cadence.ts): overdue when the last in-person contact (or becoming active) is ⌊365/required⌋ club days ago. */
function overdueExpr(club: ClubNow, tier: SQL<Tier | null>): SQL<boolean> {
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
  };
}
export type CustomerView = ReturnType<typeof presentCustomer>;

/** How a read of customers is ordered: by name and id (on the gram's copy of them when reading a gram), or by `order`. */
interface ReadOrder {
  limit?: number;
  gram?: string;
  /** the order (with its last ties broken by name, id) and the sort key each row carries back for its cursor */
  order?: SQL[];
  key?: SQL;
}

/** The owner's name, by the users' primary key. */
const ownerNameExpr = sql<
  string | null
>`(select u.name from ${users} u where u.tenant_id = ${customers.tenantId} and u.id = ${customers.ownerId})`;

async function customerRows(tx: Tx, club: ClubNow, where: SQL | undefined, opts: ReadOrder = {}) {
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
      ...cadenceFigures(r.c, r.tier, club),
    }),
    key: r.key as unknown,
  }));
}

async function viewsOf(tx: Tx, club: ClubNow, where: SQL | undefined, opts: ReadOrder = {}) {
  return (await customerRows(tx, club, where, opts)).map((r) => r.view);
}

export async function viewCustomer(tx: Tx, ctx: ServiceContext, club: ClubNow, id: string): Promise<CustomerView> {
  const [v] = await viewsOf(tx, club, and(eq(customers.id, id), visibleTo(ctx.actor)));
  if (!v) throw new NotFound("customer");
  return v;
}

function likeEscape(s: string) {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}

/**
 * The grams a name containing `lower` must have (customer_name_grams): its one
 * character, or each pair of adjacent characters (characters, as the database
 * counts them, not UTF-16 units).
 */
export function searchGrams(lower: string): string[] {
  const chars = Array.from(lower);
  if (chars.length <= 1) return chars;
  return [...new Set(chars.slice(1).map((c, i) => chars[i]! + c))];
}

/**
 * Name contains `q`, case-insensitively. The gram table narrows the club's customers
 * by index (text equality is leakproof, so it is used under forced RLS; LIKE is not):
 * a one-gram `q` (one or two characters) is joined to its gram and read in list order;
 * a longer one keeps the customers holding every one of its grams. LIKE then decides.
 */
function nameSearch(q: string): { where: SQL; gram?: string } {
  const lower = q.toLowerCase();
  const grams = searchGrams(lower);
  const like = sql`lower(${customers.name}) like ${`%${likeEscape(lower)}%`}`;
  if (grams.length === 1) return { where: like, gram: grams[0]! };
  return {
    where: sql`${customers.id} in (
      select g.customer_id from ${customerNameGrams} g
      where g.gram in (${sql.join(
        grams.map((g) => sql`${g}`),
        sql`, `,
      )})
      group by g.customer_id having count(*) = ${grams.length}
    ) and ${like}`,
  };
}

/** A time for "never": never-contacted customers sort first ascending (the longest without a visit), last descending. */
const NEVER = "0001-01-01T00:00:00.000Z";
const fenPart = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const tierRankPart = z.number().int().min(1).max(4);

/**
 * Each order of the customer list: the value it sorts by (as SQL, and as the cursor
 * keeps it), the kinds of the cursor's parts, and how the cursor's key is read back.
 * Every order but name breaks ties by name, then id, always ascending.
 */
function sortKey(sort: CustomerSort, club: ClubNow): { expr: SQL; parts: readonly CursorPart[]; cast: (v: SQL) => SQL } | null {
  const spend = spendExpr(club.tierMonth);
  switch (sort) {
    case "name":
      return null;
    case "lastContact":
      return {
        expr: sql`coalesce(${customers.lastInPersonAt}, ${NEVER}::timestamptz)`,
        parts: [cursorPart.instant, cursorPart.text, cursorPart.uuid],
        cast: (v) => sql`${v}::timestamptz`,
      };
    case "spend":
      return { expr: spend, parts: [fenPart, cursorPart.text, cursorPart.uuid], cast: (v) => sql`${v}::bigint` };
    case "tier":
      return {
        expr: sql`(case ${tierExpr(club, spend)} when 'A' then 1 when 'B' then 2 when 'C' then 3 else 4 end)`,
        parts: [tierRankPart, cursorPart.text, cursorPart.uuid],
        cast: (v) => sql`${v}::int`,
      };
    case "owner":
      return {
        expr: sql`coalesce(${ownerNameExpr}, '')`,
        parts: [cursorPart.text, cursorPart.text, cursorPart.uuid],
        cast: (v) => sql`${v}::text`,
      };
  }
}

/** The filters of the customer list (no cursor): the same for its page, its total and its export. */
function listFilters(ctx: ServiceContext, club: ClubNow, q: CustomerFilters) {
  const spend = spendExpr(club.tierMonth);
  const tier = tierExpr(club, spend);
  const search = q.q ? nameSearch(q.q) : undefined;
  const where = and(
    visibleTo(ctx.actor),
    q.status ? eq(customers.status, q.status) : undefined,
    q.kind ? eq(customers.kind, q.kind) : undefined,
    q.ownerId ? eq(customers.ownerId, q.ownerId) : undefined,
    q.ids ? inArray(customers.id, q.ids) : undefined,
    q.tier ? sql`${tier} = ${q.tier}` : undefined,
    q.stale === undefined ? undefined : q.stale ? staleExpr(club) : sql`not ${staleExpr(club)}`,
    q.overdue === undefined ? undefined : q.overdue ? overdueExpr(club, tier) : sql`not ${overdueExpr(club, tier)}`,
    q.unowned === undefined ? undefined : q.unowned ? unownedSql() : sql`not ${unownedSql()}`,
    search?.where,
  );
  return { where, gram: search?.gram };
}

/** How many customers match the list's filters (RLS and the rep's own customers as the list). */
async function countCustomers(tx: Tx, filter: { where: SQL | undefined; gram: string | undefined }): Promise<number> {
  const base = tx.select({ n: sql<number>`count(*)::int` }).from(customers).$dynamic();
  const q = filter.gram
    ? base.innerJoin(
        customerNameGrams,
        and(
          eq(customerNameGrams.tenantId, customers.tenantId),
          eq(customerNameGrams.customerId, customers.id),
          eq(customerNameGrams.gram, filter.gram),
        ),
      )
    : base;
  const [row] = await q.where(filter.where);
  return Number(row?.n ?? 0);
}

/**
 * One page of the customer list in the asked order: up to `limit` views after `cursor`
 * and the cursor after the last of them (null at the end).
 */
export async function customerPage(tx: Tx, ctx: ServiceContext, club: ClubNow, q: CustomerFilters, limit: number, cursor?: string) {
  const filter = listFilters(ctx, club, q);
  const desc_ = q.dir === "desc";
  const key = sortKey(q.sort, club);
  let rows: Awaited<ReturnType<typeof customerRows>>;
  if (key === null) {
    const after = decodeCursor(cursor, [cursorPart.text, cursorPart.uuid]);
    // by (name, id): on the gram's copy of them when reading a gram in order
    const [byName, byId] = filter.gram ? [customerNameGrams.name, customerNameGrams.customerId] : [customers.name, customers.id];
    const past = after ? sql`(${byName}, ${byId}) ${desc_ ? sql`<` : sql`>`} (${after[0]}, ${after[1]}::uuid)` : undefined;
    rows = await customerRows(tx, club, and(filter.where, past), {
      limit: limit + 1,
      ...(filter.gram ? { gram: filter.gram } : {}),
      ...(desc_ ? { order: [desc(byName), desc(byId)] } : {}),
    });
  } else {
    const after = decodeCursor(cursor, key.parts) as [string | number, string, string] | undefined;
    const past = after
      ? sql`(${key.expr} ${desc_ ? sql`<` : sql`>`} ${key.cast(sql`${after[0]}`)} or (${key.expr} = ${key.cast(sql`${after[0]}`)} and (${customers.name}, ${customers.id}) > (${after[1]}, ${after[2]}::uuid)))`
      : undefined;
    const keyOut = q.sort === "lastContact" ? sql`to_char(${key.expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` : key.expr;
    rows = await customerRows(tx, club, and(filter.where, past), {
      limit: limit + 1,
      ...(filter.gram ? { gram: filter.gram } : {}),
      order: [desc_ ? sql`${key.expr} desc` : sql`${key.expr} asc`, asc(customers.name), asc(customers.id)],
      key: keyOut,
    });
  }
  const out = page(
    rows,
    limit,
    (r) => r,
    (r) =>
      key === null
        ? [r.view.name, r.view.id]
        : [q.sort === "spend" || q.sort === "tier" ? Number(r.key) : String(r.key), r.view.name, r.view.id],
  );
  return { items: out.items.map((r) => r.view), nextCursor: out.nextCursor, filter };
}

/**
 * A page at a position (`offset` rows in), for a screen that jumps to page N: the ids
 * of the page are read first — by the list's index in name order, or with the sort key
 * alone for another order — and only the page's rows are then computed in full (spend,
 * tier, stale, overdue, owner). The cursor after it continues by keyset as usual.
 */
async function customerPageAt(tx: Tx, ctx: ServiceContext, club: ClubNow, q: CustomerFilters, limit: number, offset: number) {
  const filter = listFilters(ctx, club, q);
  const total = await countCustomers(tx, filter);
  // Past the middle, the page is read from the other end (the last page costs what the
  // first does): the same order reversed, `total - offset - limit` rows in.
  const fromEnd = offset > total / 2 && offset < total;
  const take = fromEnd ? Math.min(limit, total - offset) : limit;
  const skip = fromEnd ? Math.max(0, total - offset - limit) : offset;
  const desc_ = (q.dir === "desc") !== fromEnd;
  const key = sortKey(q.sort, club);
  const [byName, byId] = filter.gram ? [customerNameGrams.name, customerNameGrams.customerId] : [customers.name, customers.id];
  const keyOut =
    key === null
      ? sql<null>`null`
      : q.sort === "lastContact"
        ? sql`to_char(${key.expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
        : key.expr;
  const order =
    key === null
      ? desc_
        ? [desc(byName), desc(byId)]
        : [asc(byName), asc(byId)]
      : fromEnd
        ? [desc_ ? sql`${key.expr} desc` : sql`${key.expr} asc`, desc(customers.name), desc(customers.id)]
        : [desc_ ? sql`${key.expr} desc` : sql`${key.expr} asc`, asc(customers.name), asc(customers.id)];
  const base = tx.select({ id: customers.id, name: customers.name, key: keyOut }).from(customers).$dynamic();
  const ids = await (filter.gram
    ? base.innerJoin(
        customerNameGrams,
        and(
          eq(customerNameGrams.tenantId, customers.tenantId),
          eq(customerNameGrams.customerId, customers.id),
          eq(customerNameGrams.gram, filter.gram),
        ),
      )
    : base
  )
    .where(filter.where)
    .orderBy(...order)
    .offset(skip)
    .limit(fromEnd ? take : limit + 1);
  const shown = fromEnd ? ids.slice(0, take).reverse() : ids.slice(0, limit);
  const views = shown.length
    ? await viewsOf(
        tx,
        club,
        inArray(
          customers.id,
          shown.map((r) => r.id),
        ),
      )
    : [];
  const byIdView = new Map(views.map((v) => [v.id, v]));
  const items = shown.map((r) => byIdView.get(r.id)).filter((v): v is CustomerView => v !== undefined);
  const last = shown[shown.length - 1];
  const nextCursor =
    (fromEnd ? offset + take < total : ids.length > limit) && last
      ? encodeCursor(
          key === null
            ? [last.name, last.id]
            : [q.sort === "spend" || q.sort === "tier" ? Number(last.key) : String(last.key), last.name, last.id],
        )
      : null;
  return { items, nextCursor, total };
}

export async function listCustomers(ctx: ServiceContext, q: ListCustomersQuery) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const club = await clubNow(tx, ctx);
    if (q.offset !== undefined) return customerPageAt(tx, ctx, club, q, q.limit, q.offset);
    const { items, nextCursor, filter } = await customerPage(tx, ctx, club, q, q.limit, q.cursor);
    // the total under the same filters (not the cursor): one count
    return { items, nextCursor, total: await countCustomers(tx, filter) };
  });
}

export async function getCustomer(ctx: ServiceContext, id: string) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => viewCustomer(tx, ctx, await clubNow(tx, ctx), id));
}

/**
 * The owner must be an enabled user of this club; a rep may only own customers
 * themself; a team lead gives customers to their team's reps only (another is as if
 * absent, docs/access.md).
 */
async function checkOwner(tx: Tx, ctx: ServiceContext, ownerId: string) {
  if (!actsAsManager(ctx) && ownerId !== actorId(ctx.actor))
    throw new Forbidden("Reps keep their own customers; ask a manager to reassign.");
  const [u] = await tx.select({ id: users.id, disabledAt: users.disabledAt }).from(users).where(eq(users.id, ownerId));
  if (!u || u.disabledAt || !(await repIsInScope(tx, scopeOf(ctx), u.id)))
    throw new ValidationError({ ownerId: fieldIssue("not_active_user", "is not an active user of this club") });
}

async function checkReferrer(tx: Tx, referredById: string, selfId?: string) {
  // The referrer may belong to another rep: it only records who brought the customer in.
  const chain = rowsOf<{ id: string }>(
    await tx.execute(sql`
      with recursive up(id, referred_by_id, depth) as (
        select id, referred_by_id, 0 from ${customers} where id = ${referredById}
        union all
        select c.id, c.referred_by_id, up.depth + 1 from ${customers} c join up on c.id = up.referred_by_id where up.depth < 1000
      ) select id from up`),
  );
  if (chain.length === 0) throw new ValidationError({ referredById: fieldIssue("not_in_club", "is not a customer of this club") });
  if (selfId && chain.some((r) => r.id === selfId))
    throw new RuleViolation("A customer cannot be referred by itself or its own referrals.", {
      referredById: fieldIssue("loop", "would make a loop"),
    });
}

export async function writeStatus(tx: Tx, ctx: ServiceContext, row: CustomerRow, to: CustomerStatus, at: Date) {
  await tx.insert(customerStatusHistory).values({
    tenantId: ctx.tenantId,
    customerId: row.id,
    ownerId: row.ownerId,
    fromStatus: row.status,
    toStatus: to,
    at,
    actorId: actorId(ctx.actor),
  });
}

/**
 * 第五条 一 1.1: a customer becomes an active card customer by a card sale (at the
 * list price, or at another with a manager's recorded approval) or by a manager;
 * the cards a customer holds are recorded by card sales. A rep therefore neither
 * makes a customer active nor writes `transaction.cardsHeld` (403): that would be
 * the effect of a card sale without its price rule.
 */
export function cardDoorClosed(ctx: ServiceContext, change: { status?: CustomerStatus | undefined; cardsHeld?: boolean }) {
  if (isManager(ctx.actor)) return;
  if (change.status === "active")
    throw new Forbidden("A customer becomes active by a card sale at the list price (POST /card-sales) or by a manager.");
  if (change.cardsHeld) throw new Forbidden("Cards held are recorded by card sales; ask a manager to correct them.");
}

export async function createCustomerTx(tx: Tx, ctx: ServiceContext, input: CreateCustomer, kind = "created") {
  cardDoorClosed(ctx, { status: input.status, cardsHeld: (input.transaction?.cardsHeld ?? []).length > 0 });
  const now = ctx.deps.clock.now();
  const ownerId = input.ownerId ?? actorId(ctx.actor);
  if (!ownerId) throw new ValidationError({ ownerId: fieldIssue("required", "is required") });
  await checkOwner(tx, ctx, ownerId);
  if (input.referredById) await checkReferrer(tx, input.referredById);
  const status = input.status ?? "prospect";
  const [row] = await tx
    .insert(customers)
    .values({
      tenantId: ctx.tenantId,
      name: input.name,
      kind: input.kind,
      status,
      ownerId,
      referredById: input.referredById ?? null,
      expectedMonthlySpendFen: input.expectedMonthlySpend == null ? null : toFen(input.expectedMonthlySpend),
      profile: input.profile ?? {},
      personal: input.personal ?? {},
      features: input.features ?? {},
      transaction: input.transaction ?? {},
      customerSince: input.profile?.customerSince ?? null,
      activeSince: status === "active" ? now : null,
      reviewCountFrom: now,
      lastRefreshedAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error("insert returned nothing");
  await tx.insert(customerOwners).values({ tenantId: ctx.tenantId, customerId: row.id, fromAt: new Date(0), ownerId });
  await tx.insert(customerStatusHistory).values({
    tenantId: ctx.tenantId,
    customerId: row.id,
    ownerId,
    fromStatus: null,
    toStatus: status,
    at: now,
    actorId: actorId(ctx.actor),
  });
  await tx.insert(customerChanges).values({
    tenantId: ctx.tenantId,
    customerId: row.id,
    actorId: actorId(ctx.actor),
    kind,
    changes: [{ field: "*", old: null, new: { name: row.name, kind: row.kind, status: row.status, ownerId } }],
    at: now,
  });
  return row;
}

export async function createCustomer(ctx: ServiceContext, input: CreateCustomer) {
  const view = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const row = await createCustomerTx(tx, ctx, input);
    return viewCustomer(tx, ctx, await clubNow(tx, ctx), row.id);
  });
  // customers are in the tier analysis (a derived read cached per data generation)
  await ctx.deps.live.boardChanged(ctx.tenantId);
  return view;
}

/**
 * Allowed status moves and who may make them (SPEC §2, §5). Becoming active is a
 * card sale's effect (POST /card-sales) or a manager's decision (cardDoorClosed).
 * "manager" moves are a team lead's too on their team's customers (giving up a
 * prospect, reopening one), except becoming active: that stays with managers and
 * admins (第五条 一 1.1, the price rule), as do the cards held.
 */
const TRANSITIONS: Partial<Record<CustomerStatus, Partial<Record<CustomerStatus, "any" | "manager">>>> = {
  prospect: { active: "manager", dropped: "manager" },
  active: { churned: "any" },
  churned: { active: "manager" },
  dropped: { prospect: "manager" },
};

type Change = { field: string; old: unknown; new: unknown };

function diffGroup(group: string, before: Record<string, unknown>, patch: Record<string, unknown> | undefined, changes: Change[]) {
  if (!patch) return before;
  const next = { ...before };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (JSON.stringify(before[k]) !== JSON.stringify(v)) changes.push({ field: `${group}.${k}`, old: before[k] ?? null, new: v });
    next[k] = v;
  }
  return next;
}

export async function updateCustomer(ctx: ServiceContext, id: string, patch: PatchCustomer) {
  const view = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const row = await loadCustomer(tx, ctx, id, true);
    const now = ctx.deps.clock.now();
    const changes: Change[] = [];
    const set: Partial<typeof customers.$inferInsert> = {};
    const scalar = <K extends keyof typeof customers.$inferInsert>(
      field: string,
      key: K,
      value: (typeof customers.$inferInsert)[K] | undefined,
      old: unknown,
    ) => {
      if (value === undefined || JSON.stringify(old) === JSON.stringify(value)) return;
      changes.push({ field, old, new: value });
      set[key] = value;
    };
    scalar("name", "name", patch.name, row.name);
    scalar("kind", "kind", patch.kind, row.kind);
    if (patch.expectedMonthlySpend !== undefined) {
      const fen = patch.expectedMonthlySpend === null ? null : toFen(patch.expectedMonthlySpend);
      if (fen !== row.expectedMonthlySpendFen) {
        changes.push({
          field: "expectedMonthlySpend",
          old: row.expectedMonthlySpendFen === null ? null : toYuan(row.expectedMonthlySpendFen),
          new: patch.expectedMonthlySpend,
        });
        set.expectedMonthlySpendFen = fen;
      }
    }
    if (patch.referredById !== undefined && patch.referredById !== row.referredById) {
      if (patch.referredById) await checkReferrer(tx, patch.referredById, row.id);
      scalar("referredById", "referredById", patch.referredById, row.referredById);
    }
    if (patch.ownerId !== undefined && patch.ownerId !== row.ownerId) {
      if (!actsAsManager(ctx)) throw new Forbidden("Only a manager reassigns a customer.");
      await checkOwner(tx, ctx, patch.ownerId);
      scalar("ownerId", "ownerId", patch.ownerId, row.ownerId);
      await tx.insert(customerOwners).values({ tenantId: ctx.tenantId, customerId: row.id, fromAt: now, ownerId: patch.ownerId });
    }
    if (patch.status !== undefined && patch.status !== row.status) {
      const who = TRANSITIONS[row.status]?.[patch.status];
      if (!who)
        throw new RuleViolation(`A ${row.status} customer cannot become ${patch.status}.`, {
          status: fieldIssue("status_change", `cannot go from ${row.status} to ${patch.status}`, { from: row.status, to: patch.status }),
        });
      cardDoorClosed(ctx, { status: patch.status });
      if (who === "manager" && !actsAsManager(ctx)) throw new Forbidden(`Only a manager may mark a customer ${patch.status}.`);
      scalar("status", "status", patch.status, row.status);
      if (patch.status === "active") set.activeSince = now;
      if (patch.status === "prospect") set.reviewCountFrom = now;
      await writeStatus(tx, ctx, row, patch.status, now);
    }
    set.profile = diffGroup("profile", row.profile as Record<string, unknown>, patch.profile, changes);
    set.personal = diffGroup("personal", row.personal as Record<string, unknown>, patch.personal, changes);
    set.features = diffGroup("features", row.features as Record<string, unknown>, patch.features, changes);
    const cardsHeld = (row.transaction as { cardsHeld?: string[] }).cardsHeld ?? [];
    if (patch.transaction?.cardsHeld !== undefined && JSON.stringify(patch.transaction.cardsHeld) !== JSON.stringify(cardsHeld))
      cardDoorClosed(ctx, { cardsHeld: true });
    set.transaction = diffGroup("transaction", row.transaction as Record<string, unknown>, patch.transaction, changes);
    if (patch.profile?.customerSince !== undefined) set.customerSince = patch.profile.customerSince;
    if (changes.length > 0) {
      // Any real edit counts as this quarter's refresh (动态管理).
      await tx
        .update(customers)
        .set({ ...set, updatedAt: now, lastRefreshedAt: now })
        .where(eq(customers.id, row.id));
      await tx
        .insert(customerChanges)
        .values({ tenantId: ctx.tenantId, customerId: row.id, actorId: actorId(ctx.actor), kind: "edited", changes, at: now });
    }
    return viewCustomer(tx, ctx, await clubNow(tx, ctx), row.id);
  });
  // name, kind and status are in the tier analysis (a derived read cached per data generation)
  await ctx.deps.live.boardChanged(ctx.tenantId);
  return view;
}

/** "Reviewed, unchanged": counts as the quarter's refresh without an edit. */
export async function confirmRefresh(ctx: ServiceContext, id: string) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const row = await loadCustomer(tx, ctx, id, true);
    const now = ctx.deps.clock.now();
    await tx.update(customers).set({ lastRefreshedAt: now }).where(eq(customers.id, row.id));
    await tx
      .insert(customerChanges)
      .values({ tenantId: ctx.tenantId, customerId: row.id, actorId: actorId(ctx.actor), kind: "refreshed", changes: [], at: now });
    return viewCustomer(tx, ctx, await clubNow(tx, ctx), row.id);
  });
}

export async function customerHistory(ctx: ServiceContext, id: string, q: { limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(q.cursor, [cursorPart.instant, cursorPart.uuid]);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    await loadCustomer(tx, ctx, id);
    const rows = await tx
      .select({ ch: customerChanges, actorName: users.name })
      .from(customerChanges)
      .leftJoin(users, eq(users.id, customerChanges.actorId))
      .where(
        and(
          eq(customerChanges.customerId, id),
          after ? sql`(${customerChanges.at}, ${customerChanges.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
        ),
      )
      .orderBy(desc(customerChanges.at), desc(customerChanges.id))
      .limit(q.limit + 1);
    return page(
      rows,
      q.limit,
      (r) => ({
        id: r.ch.id,
        kind: r.ch.kind,
        actorId: r.ch.actorId,
        actorName: r.actorName,
        at: r.ch.at.toISOString(),
        changes: r.ch.changes,
      }),
      (i) => [i.at, i.id],
    );
  });
}

interface TreeNode {
  id: string;
  name: string | null;
  kind: string | null;
  status: string | null;
  ownerId: string | null;
  hidden: boolean;
  referrals: TreeNode[];
}

/** 链锁用户环: who referred this customer (up the chain) and whom it referred (down the tree). */
export async function referralTree(ctx: ServiceContext, id: string) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const root = await loadCustomer(tx, ctx, id);
    const down = rowsOf<{ id: string; name: string; kind: string; status: string; owner_id: string; referred_by_id: string | null }>(
      await tx.execute(sql`
        with recursive down(id, depth) as (
          select id, 0 from ${customers} where id = ${root.id}
          union all
          select c.id, down.depth + 1 from ${customers} c join down on c.referred_by_id = down.id where down.depth < 20
        ) select c.id, c.name, c.kind, c.status, c.owner_id, c.referred_by_id from ${customers} c join down using (id) limit 5000`),
    );
    const up = rowsOf<{ id: string; name: string; kind: string; status: string; owner_id: string; depth: number }>(
      await tx.execute(sql`
        with recursive up(id, referred_by_id, depth) as (
          select id, referred_by_id, 0 from ${customers} where id = ${root.referredById ?? root.id} and ${root.referredById !== null}
          union all
          select c.id, c.referred_by_id, up.depth + 1 from ${customers} c join up on c.id = up.referred_by_id where up.depth < 20
        ) select c.id, c.name, c.kind, c.status, c.owner_id, up.depth from ${customers} c join up using (id) order by up.depth`),
    );
    // A rep sees the names of their own customers only; other links show as hidden.
    const canSee = (ownerId: string) => isManager(ctx.actor) || ownerId === actorId(ctx.actor);
    const node = (r: { id: string; name: string; kind: string; status: string; owner_id: string }): TreeNode =>
      canSee(r.owner_id)
        ? { id: r.id, name: r.name, kind: r.kind, status: r.status, ownerId: r.owner_id, hidden: false, referrals: [] }
        : { id: r.id, name: null, kind: null, status: null, ownerId: null, hidden: true, referrals: [] };
    const nodes = new Map(down.map((r) => [r.id, node(r)]));
    for (const r of down) if (r.referred_by_id && r.id !== root.id) nodes.get(r.referred_by_id)?.referrals.push(nodes.get(r.id)!);
    return { customer: nodes.get(root.id)!, referredBy: up.map((r) => ({ ...node(r), referrals: undefined })) };
  });
}

/** Spend per month for the last `months` months, with the tier each month was (frozen or computed). */
export async function tierHistory(ctx: ServiceContext, id: string, months: number) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const row = await loadCustomer(tx, ctx, id);
    const club = await clubNow(tx, ctx);
    const list: string[] = [];
    let m = club.tierMonth;
    for (let i = 0; i < months; i++) {
      list.push(m);
      m = previousMonth(m);
    }
    const totals = await tx
      .select({ month: customerMonthTotals.month, fen: sql<string>`sum(${customerMonthTotals.amountFen})::bigint` })
      .from(customerMonthTotals)
      .where(and(eq(customerMonthTotals.customerId, row.id), inArray(customerMonthTotals.month, list)))
      .groupBy(customerMonthTotals.month);
    const frozen = await tx
      .select()
      .from(customerTiers)
      .where(and(eq(customerTiers.customerId, row.id), inArray(customerTiers.month, list)));
    const spendOf = new Map(totals.map((t) => [t.month, Number(t.fen)]));
    const frozenOf = new Map(frozen.map((f) => [f.month, f]));
    return {
      customerId: row.id,
      months: list.map((month) => {
        const f = frozenOf.get(month);
        const spend = f ? f.spendFen : (spendOf.get(month) ?? 0);
        const since = row.activeSince ?? row.createdAt;
        const tier = f ? (f.tier as Tier) : customerTier(row.status, spend, club.rules.tiers);
        return { month, spend: toYuan(spend), tier, frozen: Boolean(f), before: monthOf(since, club.rules.timezone) > month };
      }),
    };
  });
}

export async function customersByIds(tx: Tx, ids: string[]) {
  if (ids.length === 0) return [];
  return tx.select().from(customers).where(inArray(customers.id, ids));
}
