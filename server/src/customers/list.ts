import { customerNameGrams, customers, type Tx, withTenant } from "@clubhouse/db";
import { and, asc, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { ServiceContext } from "../deps.ts";
import { type CursorPart, cursorPart, decodeCursor, encodeCursor, page } from "../http/paging.ts";
import { type ClubNow, clubNow } from "../settings/club-now.ts";
import {
  type CustomerView,
  customerRows,
  overdueExpr,
  ownerNameExpr,
  spendExpr,
  staleExpr,
  tierExpr,
  unownedSql,
  viewCustomer,
  viewsOf,
  visibleTo,
} from "./read.ts";
import type { CustomerFilters, CustomerSort, ListCustomersQuery } from "./schemas.ts";

/** The customer list: name search, filters, sorts and pages. */
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
